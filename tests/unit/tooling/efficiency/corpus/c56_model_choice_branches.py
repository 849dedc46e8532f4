# Source: Shubhamsaboo/awesome-llm-apps,
# starter_ai_agents/ai_meme_generator_agent_browseruse/ai_meme_generator_agent.py
# (Apache-2.0). Rewritten to the same shape: the user picks the model; the chosen model
# then answers (the original hands it to a browser agent).
from langchain_anthropic import ChatAnthropic
from langchain_google_genai import ChatGoogleGenerativeAI
from langchain_openai import ChatOpenAI


def generate_meme(query: str, model_choice: str, api_key: str) -> str:
    if model_choice == "Claude":
        llm = ChatAnthropic(model="claude-3-5-sonnet-20241022", api_key=api_key)
    elif model_choice == "Deepseek":
        llm = ChatOpenAI(
            base_url="https://api.deepseek.com/v1",
            model="deepseek-chat",
            api_key=api_key,
            temperature=0.3,
        )
    elif model_choice == "Gemini":
        llm = ChatGoogleGenerativeAI(model="gemini-1.5-flash", google_api_key=api_key)
    else:
        llm = ChatOpenAI(model="gpt-4o", api_key=api_key, temperature=0.0)
    return llm.invoke(f"Pick one meme template and caption for: {query}").content  # expect: EFF006

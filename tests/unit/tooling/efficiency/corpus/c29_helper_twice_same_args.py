# Source: Shubhamsaboo/awesome-llm-apps, starter_ai_agents/mixture_of_agents/mixture-of-agents.py
# (Apache-2.0). Rewritten to the same shape: the same draft requested twice.
import litellm


def draft(question: str) -> str:
    response = litellm.completion(  # expect: EFF002
        model="together_ai/meta-llama/Llama-3-70b-chat-hf",
        messages=[{"role": "user", "content": question}],
        max_tokens=512,
    )
    return response.choices[0].message.content


def compare(question: str) -> tuple[str, str]:
    first = draft(question)
    second = draft(question)
    return first, second

# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/ai_blog_search/app.py (Apache-2.0).
# Rewritten to the same shape, with the Gemini model's own output limit.
from langchain_google_genai import ChatGoogleGenerativeAI

llm = ChatGoogleGenerativeAI(model="gemini-1.5-flash", temperature=0, max_output_tokens=1024)


def rewrite_query(question: str) -> str:
    msg = f"Look at the input and reason about the underlying semantic intent: {question}"
    return llm.invoke(msg).content

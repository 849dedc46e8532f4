# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/rag_agent_cohere/rag_agent_cohere.py
# (Apache-2.0).
# Rewritten to the same shape with LangChain's ChatGroq: one request per review.
from langchain_groq import ChatGroq

llm = ChatGroq(model="llama-3.1-8b-instant", temperature=0, max_tokens=256)


def sentiment(reviews: list[str]) -> list[str]:
    labels = []
    for review in reviews:
        labels.append(llm.invoke(f"positive or negative? {review}").content)  # expect: EFF001
    return labels

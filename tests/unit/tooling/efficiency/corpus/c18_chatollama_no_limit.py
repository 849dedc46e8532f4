# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/qwen_local_rag/qwen_local_rag_agent.py
# (Apache-2.0). Rewritten to the same shape with LangChain's ChatOllama.
from langchain_ollama import ChatOllama

llm = ChatOllama(model="llama3.2", temperature=0)


def answer(question: str, context: str) -> str:
    prompt = f"Answer from the context only.\nContext: {context}\nQuestion: {question}"
    return llm.invoke(prompt).content  # expect: EFF006

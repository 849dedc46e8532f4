# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/llama3.1_local_rag/llama3.1_local_rag.py
# (Apache-2.0). Excerpt, shortened: the retriever returns its default top k documents.
import ollama
from langchain_community.vectorstores import Chroma


def rag_chain(question: str, vectorstore: Chroma) -> str:
    retriever = vectorstore.as_retriever()
    retrieved_docs = retriever.invoke(question)
    formatted_context = ""
    for doc in retrieved_docs:
        formatted_context += doc.page_content + "\n\n"
    formatted_prompt = f"Question: {question}\n\nContext: {formatted_context}"
    response = ollama.chat(  # expect: EFF006
        model="llama3.1",
        messages=[{"role": "user", "content": formatted_prompt}],
    )
    return response["message"]["content"]

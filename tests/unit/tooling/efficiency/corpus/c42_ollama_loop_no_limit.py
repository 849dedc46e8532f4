# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/local_rag_agent/local_rag_agent.py
# (Apache-2.0).
# Rewritten to the same shape: one local-model request per document, no output limit.
import ollama


def tag_documents(documents: list[str]) -> list[str]:
    tags = []
    for doc in documents:
        res = ollama.chat(  # expect: EFF001, EFF006
            model="llama3.2",
            messages=[{"role": "user", "content": f"Give three tags for:\n{doc[:4000]}"}],
        )
        tags.append(res["message"]["content"])
    return tags

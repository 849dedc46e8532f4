# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/rag_chain/app.py (Apache-2.0).
# Rewritten to the same shape: every page a loader returns stuffed into one prompt.
from langchain_community.document_loaders import PyPDFLoader
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o-mini", max_tokens=1000)


def summarize_pdf(path: str) -> str:
    pages = PyPDFLoader(path).load()
    text = "\n".join(page.page_content for page in pages)
    return llm.invoke(f"Summarize this report:\n{text}").content  # expect: EFF005

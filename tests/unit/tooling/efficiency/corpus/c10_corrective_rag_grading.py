# Source: Shubhamsaboo/awesome-llm-apps, rag_tutorials/corrective_rag/corrective_rag.py
# (Apache-2.0). Excerpt, shortened: each retrieved document graded by its own call.
from langchain_anthropic import ChatAnthropic
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate


def grade_documents(state, api_key):
    question = state["keys"]["question"]
    documents = state["keys"]["documents"]
    llm = ChatAnthropic(model="claude-sonnet-4-5", api_key=api_key, temperature=0, max_tokens=1000)
    prompt = PromptTemplate(
        template="Is this document relevant to {question}?\n{context}\nAnswer yes or no.",
        input_variables=["question", "context"],
    )
    chain = prompt | llm | StrOutputParser()
    filtered_docs = []
    for d in documents:
        response = chain.invoke({"question": question, "context": d.page_content})  # expect: EFF001
        if "yes" in response.lower():
            filtered_docs.append(d)
    return filtered_docs

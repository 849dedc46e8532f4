# Source: kparekh77/Agentic_RAG, src/clients/openai_client.py and its callers.
# Rewritten to the same shape: a return-annotated client factory.
import os

from openai import OpenAI

OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")


def get_openai_client() -> OpenAI:
    if not OPENAI_API_KEY:
        raise RuntimeError("Missing OPENAI_API_KEY")
    return OpenAI(api_key=OPENAI_API_KEY)


def plan_search(question: str) -> str:
    client = get_openai_client()
    response = client.responses.create(  # expect: EFF006
        model="gpt-4.1-mini",
        input=f"Plan the retrieval steps for: {question}",
    )
    return response.output_text

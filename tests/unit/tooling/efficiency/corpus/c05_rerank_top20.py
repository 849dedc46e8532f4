# Source: anthropics/anthropic-cookbook,
# skills/retrieval_augmented_generation/evaluation/provider_retrieval.py (MIT).
# Excerpt, shortened: the reranker only ever sees the top 20 search results.
import os

from anthropic import Anthropic


def _rerank_results(query: str, results: list[dict], k: int = 3) -> list[dict]:
    summaries = []
    for i, result in enumerate(results):
        summary = "[{}] Document: {}".format(i, result["metadata"]["chunk_heading"])
        summary += " \n {}".format(result["metadata"]["text"])
        summaries.append(summary)
    joined_summaries = "\n".join(summaries)
    prompt = f"Query: {query}\nSelect the {k} most relevant documents:\n{joined_summaries}"
    client = Anthropic(api_key=os.environ.get("ANTHROPIC_API_KEY"))
    response = client.messages.create(
        model="claude-3-5-sonnet-20241022",
        max_tokens=50,
        messages=[{"role": "user", "content": prompt}],
        temperature=0,
    )
    indices = [int(i) for i in response.content[0].text.split(",")]
    return [results[i] for i in indices[:k]]


def retrieve_level_three(query, db, k: int = 3, initial_k: int = 20):
    results = db.search(query, k=initial_k)
    return _rerank_results(query, results, k=k)

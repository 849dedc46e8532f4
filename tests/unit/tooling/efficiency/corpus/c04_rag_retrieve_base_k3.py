# Source: anthropics/anthropic-cookbook,
# skills/retrieval_augmented_generation/evaluation/prompts.py (MIT).
# Rewritten to the same shape (the answer call added where promptfoo makes it).
from anthropic import Anthropic

client = Anthropic()


def answer_query_base(query, db):
    results = db.search(query, k=3)
    context = ""
    for result in results:
        chunk = result["metadata"]
        context += f"\n{chunk['text']}\n"
    prompt = f"<query>{query}</query>\n<documents>\n{context}\n</documents>"
    response = client.messages.create(
        model="claude-3-5-sonnet-20241022",
        max_tokens=2500,
        messages=[{"role": "user", "content": prompt}],
    )
    return response.content[0].text

# Source: anthropics/anthropic-cookbook, skills/contextual-embeddings/guide.ipynb (MIT).
# Rewritten to the same shape: context gathered from a fixed list of sections.
import anthropic

client = anthropic.Anthropic()
SECTIONS = ("overview", "pricing", "limits")


def answer(question: str, docs: dict[str, str]) -> str:
    context = ""
    for name in SECTIONS:
        context += f"<{name}>{docs[name][:2000]}</{name}>\n"
    response = client.messages.create(
        model="claude-3-haiku-20240307",
        max_tokens=500,
        messages=[{"role": "user", "content": f"{context}\nQuestion: {question}"}],
    )
    return response.content[0].text

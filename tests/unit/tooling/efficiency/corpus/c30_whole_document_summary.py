# Source: anthropics/anthropic-cookbook, skills/summarization/guide.ipynb (MIT).
# Rewritten to the same shape: a whole legal document read into one prompt.
import anthropic

client = anthropic.Anthropic()


def summarize_document(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        document_text = f.read()
    prompt = f"Summarize the following sublease agreement:\n<document>{document_text}</document>"
    response = client.messages.create(  # expect: EFF005
        model="claude-3-5-sonnet-20241022",
        max_tokens=1000,
        messages=[{"role": "user", "content": prompt}],
    )
    return response.content[0].text

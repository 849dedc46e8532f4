# Source: anthropics/anthropic-sdk-python, examples/messages.py (MIT).
# Rewritten to the same shape: the client as a context manager, one request per file.
import anthropic


def review_files(paths: list[str]) -> list[str]:
    reviews = []
    with anthropic.Anthropic() as client:
        for path in paths:
            message = client.messages.create(  # expect: EFF001
                model="claude-3-5-haiku-latest",
                max_tokens=1024,
                messages=[{"role": "user", "content": f"Review the file name {path}"}],
            )
            reviews.append(message.content[0].text)
    return reviews

# Source: anthropics/anthropic-cookbook, misc/prompt_caching.ipynb (MIT).
# Rewritten to the same shape: the beta messages API, one request per question.
import anthropic

client = anthropic.Anthropic()


def ask_about_book(book_text: str, questions: list[str]) -> list[str]:
    answers = []
    for question in questions:
        response = client.beta.prompt_caching.messages.create(  # expect: EFF001
            model="claude-3-5-sonnet-20240620",
            max_tokens=300,
            system=[{"type": "text", "text": book_text, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": question}],
        )
        answers.append(response.content[0].text)
    return answers

# Source: anthropics/anthropic-cookbook, skills/summarization/evaluation/custom_evals/llm_eval.py
# (MIT). Rewritten to the same shape: a client passed as an annotated parameter.
import anthropic


def llm_eval(client: anthropic.Anthropic, summary: str, input_text: str) -> str:
    response = client.messages.create(
        model="claude-3-5-sonnet-20240620",
        max_tokens=1000,
        temperature=0,
        messages=[
            {"role": "user", "content": f"Grade this summary:\n{summary}\nof:\n{input_text}"}
        ],
    )
    return response.content[0].text


def evaluate_all(client: anthropic.Anthropic, rows: list[dict]) -> list[str]:
    return [llm_eval(client, row["summary"], row["text"]) for row in rows]  # expect: EFF001

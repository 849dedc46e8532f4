# Source: mistralai/cookbook, mistral/agents/glm_game_generator/generate_game.py (MIT).
# Rewritten to the same shape: review, fix, review again until the reviewer passes the
# game or five attempts are spent; each fix needs the review of its own turn (no EFF001).
from mistralai import Mistral

client = Mistral(api_key="...")


def review_game(html_content: str) -> str | None:
    response = client.chat.complete(  # expect: EFF006
        model="mistral-medium-latest",
        messages=[{"role": "user", "content": f"Review:\n{html_content}"}],
    )
    result = response.choices[0].message.content.strip()
    return None if "PASS" in result.upper() else result


def fix_game(html_content: str, issues: str) -> str:
    response = client.chat.complete(
        model="mistral-medium-latest",
        messages=[{"role": "user", "content": f"Fix {issues} in:\n{html_content}"}],
        max_tokens=16000,
    )
    return response.choices[0].message.content


def improve(html_content: str) -> str:
    max_attempts = 5
    for attempt in range(max_attempts):
        print(f"Reviewing game (attempt {attempt + 1}/{max_attempts})...")
        issues = review_game(html_content)
        if issues is None:
            break
        html_content = fix_game(html_content, issues)
    return html_content

# Source: mistralai/cookbook, mistral/agents/glm_game_generator/generate_game.py (MIT).
# Rewritten to the same shape: in edit mode the saved game is read whole and sent to the
# model; in generate mode the name holds the model's own answer, which is reviewed.
import argparse
from pathlib import Path

from mistralai import Mistral

client = Mistral(api_key="...")


def review_game(html_content: str) -> str:
    prompt = f"Review this HTML5 game for bugs:\n```html\n{html_content}\n```"
    response = client.chat.complete(
        model="mistral-medium-latest",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=800,
    )
    return response.choices[0].message.content


def edit_game(html_content: str, user_feedback: str) -> str:
    prompt = f"Feedback: {user_feedback}\nCurrent game code:\n```html\n{html_content}\n```"
    response = client.chat.complete(
        model="mistral-medium-latest",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=16000,
    )
    return response.choices[0].message.content


def generate_game(description: str) -> str:
    response = client.chat.complete(
        model="mistral-medium-latest",
        messages=[{"role": "user", "content": description}],
        max_tokens=16000,
    )
    return response.choices[0].message.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edit")
    args = parser.parse_args()
    output = Path("game.html")
    if args.edit:
        html_content = output.read_text(encoding="utf-8")
        html_content = edit_game(html_content, args.edit)  # expect: EFF005
    else:
        html_content = generate_game("A snake game")
        issues = review_game(html_content)
        print(issues)
    output.write_text(html_content, encoding="utf-8")

# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_ai_agents/multi_agent_apps/ai_news_and_podcast_agents/beifong/utils/translate_podcast.py
# (Apache-2.0). Rewritten to the same shape: one request per script line.
from openai import OpenAI

client = OpenAI()


def translate_text(text: str, target_language: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": f"Translate into {target_language}."},
            {"role": "user", "content": text},
        ],
        max_tokens=1000,
    )
    return response.choices[0].message.content


def translate_script(lines: list[dict], target_language: str) -> list[dict]:
    return [
        {**line, "text": translate_text(line["text"], target_language)}  # expect: EFF001
        for line in lines
    ]

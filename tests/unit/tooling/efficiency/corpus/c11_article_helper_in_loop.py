# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_ai_agents/multi_agent_apps/ai_news_and_podcast_agents/beifong/processors/ai_analysis_processor.py
# (Apache-2.0). Rewritten to the same shape: a helper wrapping the call, called per article.
import json

import openai

ANALYSIS_MODEL = "gpt-4o-mini"


def process_article_with_ai(article: dict, api_key: str) -> dict:
    client = openai.OpenAI(api_key=api_key)
    resp = client.chat.completions.create(
        model=ANALYSIS_MODEL,
        messages=[
            {"role": "system", "content": "Summarize and categorize the article as JSON."},
            {"role": "user", "content": article["content"]},
        ],
        max_tokens=800,
        response_format={"type": "json_object"},
    )
    return json.loads(resp.choices[0].message.content)


def process_articles(articles: list[dict], api_key: str) -> list[dict]:
    results = []
    for article in articles:
        results.append(process_article_with_ai(article, api_key))  # expect: EFF001
    return results

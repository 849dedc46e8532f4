# Source: anthropics/anthropic-cookbook, skills/classification/evaluation/prompts.py (MIT).
# Rewritten to the same shape: the cookbook returns the prompt to promptfoo, which
# sends it; here the same function sends it.
import textwrap

import anthropic

client = anthropic.Anthropic()


def rag_classify(context: dict, vectordb, categories: str) -> str:
    X = context["vars"]["text"]
    rag = vectordb.search(X, 5)
    rag_string = ""
    for example in rag:
        rag_string += textwrap.dedent(f"""
        <example>
            <query>"{example["metadata"]["text"]}"</query>
            <label>{example["metadata"]["label"]}</label>
        </example>
        """)
    prompt = f"Classify into {categories}.\n<ticket>{X}</ticket>\n<examples>{rag_string}</examples>"
    response = client.messages.create(
        model="claude-3-haiku-20240307",
        max_tokens=4096,
        messages=[{"role": "user", "content": prompt}],
    )
    return response.content[0].text

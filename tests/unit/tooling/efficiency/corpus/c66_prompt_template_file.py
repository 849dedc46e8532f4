# Source: patchy631/ai-engineering-hub, motia-content-creation/steps/generate-linkedin.step.py
# (MIT). The file read whole is the prompt template whose placeholders are filled, not a
# document (no EFF005).
import os

from openai import AsyncOpenAI

openai_client = AsyncOpenAI(api_key=os.getenv("OPENAI_API_KEY"))


async def handler(input, context):
    with open("prompts/linkedin-prompt.txt", "r", encoding="utf-8") as f:
        linkedinPromptTemplate = f.read()

    linkedinPrompt = linkedinPromptTemplate.replace("{{title}}", input["title"]).replace(
        "{{content}}", input["content"]
    )
    linkedin_content = await openai_client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": linkedinPrompt}],
        temperature=0.7,
        max_tokens=2000,
        response_format={"type": "json_object"},
    )
    return linkedin_content.choices[0].message.content

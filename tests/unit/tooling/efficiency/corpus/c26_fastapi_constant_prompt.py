# Source: FrancescoSaverioZuppichini/chatgpt-action-fastapi, api/index.py.
# Rewritten to the same shape: the joke endpoint asks a model, and every request sends
# the same prompt.
from fastapi import FastAPI
from openai import OpenAI

app = FastAPI()
client = OpenAI()


@app.get("/joke")
def joke():
    completion = client.chat.completions.create(  # expect: EFF002
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Tell me a programming joke."}],
        max_tokens=100,
    )
    return {"joke": completion.choices[0].message.content}

# Source: openai/openai-cookbook, examples/How_to_format_inputs_to_ChatGPT_models.ipynb
# (MIT), as written for openai-python before 1.0. Rewritten to the same shape.
import openai

MODEL = "gpt-3.5-turbo"


def explain(topic: str) -> str:
    response = openai.ChatCompletion.create(  # expect: EFF006
        model=MODEL,
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": f"Explain {topic} briefly."},
        ],
        temperature=0,
    )
    return response["choices"][0]["message"]["content"]

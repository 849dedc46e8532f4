# Source: openai/openai-cookbook, examples/Structured_Outputs_Intro.ipynb (MIT).
# Excerpt, shortened: the beta parse helper with no output limit.
from openai import OpenAI
from pydantic import BaseModel

client = OpenAI()
MODEL = "gpt-4o-2024-08-06"


class MathReasoning(BaseModel):
    steps: list[str]
    final_answer: str


def get_math_solution(question: str):
    completion = client.beta.chat.completions.parse(  # expect: EFF006
        model=MODEL,
        messages=[
            {"role": "system", "content": "Guide the user through the solution step by step."},
            {"role": "user", "content": question},
        ],
        response_format=MathReasoning,
    )
    return completion.choices[0].message

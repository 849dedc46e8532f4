# Source: alifayed02/AITesting, test.py. Rewritten to the same shape.
import os

from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])

questions = open("questions.txt", encoding="utf-8").read().splitlines()

for question in questions:
    completion = client.chat.completions.create(  # expect: EFF001, EFF006
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": question}],
    )
    print(completion.choices[0].message)

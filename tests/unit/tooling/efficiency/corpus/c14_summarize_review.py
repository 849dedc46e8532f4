# Source: lvhoaa/RateMyCourses, main/chatgpt.py. Rewritten to the same shape.
from openai import OpenAI

client = OpenAI()


def chatgpt_summarize(comment):
    prompt = "Summarize this course review in 3 words for a new student: " + comment
    completion = client.chat.completions.create(  # expect: EFF006
        model="gpt-3.5-turbo",
        messages=[{"role": "user", "content": prompt}],
        temperature=0.2,
    )
    return completion.choices[0].message.content

# Source: mubashirsidiki/chatgpt-prompt-engineering-for-developers, src/01.py.
# Excerpt, shortened: notebook cells converted to .py, the client re-made per cell and
# one helper called with a different prompt each time.
from openai import OpenAI

client = OpenAI()


def get_response(prompt):
    response = client.chat.completions.create(  # expect: EFF006
        model="gpt-3.5-turbo",
        messages=[{"role": "user", "content": prompt}],
        temperature=0,
    )
    return response.choices[0].message.content


response = get_response("Write a poem about ChatGPT")
print(response)

client = OpenAI()
prompt = "Write a poem about ChatGPT. Use basic English that a child can understand."
response = get_response(prompt)
print(response)

client = OpenAI()
story = "In a distant galaxy, there was a brave space explorer named Alex."
prompt = f"""Complete the story delimited by triple backticks. ```{story}```"""
response = get_response(prompt)
print(response)

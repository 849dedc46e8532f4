# Source: DeepLearning.AI "ChatGPT Prompt Engineering for Developers" notebooks, as
# converted to .py in ralphcajipe/chatgpt-prompt-engineering, l2-guidelines.py.
# Rewritten to the same shape: the helper is redefined cell by cell, prompts vary.
import openai


def get_completion(prompt, model="gpt-3.5-turbo"):
    messages = [{"role": "user", "content": prompt}]
    response = openai.ChatCompletion.create(  # expect: EFF006
        model=model,
        messages=messages,
        temperature=0,
    )
    return response.choices[0].message["content"]


text = "You should express what you want a model to do by providing instructions."
response = get_completion(f"Summarize the text delimited by triple backticks: ```{text}```")
print(response)


def get_completion(prompt, model="gpt-3.5-turbo", temperature=0):
    messages = [{"role": "user", "content": prompt}]
    response = openai.ChatCompletion.create(  # expect: EFF006
        model=model,
        messages=messages,
        temperature=temperature,
    )
    return response.choices[0].message["content"]


response = get_completion("Generate a list of three made-up book titles in JSON.")
print(response)

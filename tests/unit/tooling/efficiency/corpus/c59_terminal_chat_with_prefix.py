# Source: mistralai/cookbook, mistral/prompting/prefix_use_cases.ipynb (MIT).
# A terminal role-play chat: every question and answer is kept and the whole history is
# sent on each turn, with nothing trimming it.
from mistralai import Mistral

cli = Mistral(api_key="...")
instruction = "Let's roleplay. Always give a single reply. Never give multiple options."
character = "Shakespeare"
messages = [{"role": "system", "content": instruction}]
prefix = character + ": "

while True:
    question = input(" > ")
    if question == "quit":
        break
    messages.append({"role": "user", "content": question})
    resp = cli.chat.complete(  # expect: EFF004
        model="mistral-small-latest",
        messages=messages + [{"role": "assistant", "content": prefix, "prefix": True}],
        max_tokens=128,
    )
    ans = resp.choices[0].message.content
    messages.append({"role": "assistant", "content": ans})

# Source: snap-stanford/MLAgentBench,
# MLAgentBench/benchmarks/literature-review-tool/env/claude_example.py.
# Rewritten to the same shape: the anthropic SDK's early ``Client(...).completion``.
import anthropic

client = anthropic.Client(open("claude_api_key.txt").read().strip())


def ask_all(questions):
    answers = []
    for question in questions:
        response = client.completion(  # expect: EFF001
            prompt=f"{anthropic.HUMAN_PROMPT} {question}{anthropic.AI_PROMPT}",
            stop_sequences=[anthropic.HUMAN_PROMPT],
            model="claude-v1",
            max_tokens_to_sample=100,
        )
        answers.append(response["completion"])
    return answers

# Source: patchy631/ai-engineering-hub,
# grpo-finetuning-qwen3/agent-skill/grpo-finetune/run_pipeline.py (MIT).
# Each evaluation entry is sent on its own, one after another.
import json


def run_eval(client, model_id, eval_file, score_fn):
    data = [json.loads(line) for line in open(eval_file)]
    scores = []
    for i, entry in enumerate(data):
        msgs = [m for m in entry["messages"] if m["role"] != "assistant"]
        try:
            resp = client.chat.completions.create(  # expect: EFF001
                model=model_id, messages=msgs, temperature=0.0, max_tokens=512
            )
            content = resp.choices[0].message.content
        except Exception:
            content = ""
        scores.append(score_fn(content, entry))
        print(i)
    return sum(scores) / len(scores)

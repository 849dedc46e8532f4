# Source: Prany25/Ollama, start-2.py. Rewritten to the same shape: a fixed demo prompt
# sent once per run (nothing repeats it).
import ollama


def demo():
    res = ollama.chat(  # expect: EFF006
        model="llama3.2",
        messages=[{"role": "user", "content": "why is the sky blue?"}],
    )
    return res["message"]["content"]


if __name__ == "__main__":
    print(demo())

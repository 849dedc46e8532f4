# Source: Prany25/Ollama, start-2.py, with the options of ollama/ollama-python's README.
# Rewritten to the same shape: the output limit is Ollama's num_predict option.
import ollama

OPTIONS = {"temperature": 0.2, "num_predict": 512}


def ask(question: str) -> str:
    res = ollama.chat(
        model="llama3.2",
        messages=[{"role": "user", "content": question}],
        options={"temperature": 0.2, "num_predict": 512},
    )
    return res["message"]["content"]

# Source: taehoonnnnn/btf_2023_ai, kdy/summary/model/test/test2.py.
# Rewritten to the same shape: openai-python before 1.0, one request per CSV row.
import csv

import openai


def create_response(line):
    response = openai.ChatCompletion.create(
        model="gpt-3.5-turbo",
        messages=[
            {"role": "system", "content": "you are news reporter"},
            {"role": "user", "content": "Summarize the following in three lines"},
            {"role": "user", "content": line},
        ],
        temperature=1,
        max_tokens=256,
    )
    print(response)


with open("data1_val_23cent.csv", encoding="utf-8") as f:
    rdr = csv.reader(f)
    for line in rdr:
        create_response(line[3])  # expect: EFF001

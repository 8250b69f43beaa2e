"""Small generated data files in the formats the official tutorials read.

* ``data/names/<Language>.txt``: one name per line (char-RNN classification; the real files
  hold Unicode names such as "Ślusarski", so some names carry accents).
* ``data/eng-fra.txt``: ``english<TAB>french`` lines (seq2seq translation).

Each language/word pattern is learnable, so a few hundred steps already beat chance.
"""
import os
import random

# language -> (prefixes, suffixes): the suffix decides the language
_NAMES = {
    "Polish": (["Kow", "Now", "Wiś", "Ślus", "Zieł", "Lew"], ["ski", "ska", "wicz"]),
    "Irish": (["O'", "Mac", "Mc"], ["Brien", "Neill", "Carthy", "Donnell", "Kenna"]),
    "French": (["Dub", "Lef", "Mor", "Gir", "Rous"], ["eau", "ère", "ois", "ault"]),
    "Japanese": (["Tan", "Wat", "Yam", "Nak", "Kob"], ["aka", "anabe", "amoto", "ashi"]),
}

_ADJ = [("tall", "grand"), ("happy", "heureux"), ("tired", "fatigue"), ("cold", "froid"),
        ("busy", "occupe"), ("ready", "pret"), ("hungry", "affame"), ("late", "en retard"),
        ("sick", "malade"), ("rich", "riche"), ("strong", "fort"), ("sad", "triste")]
_SUBJ = [("i am", "je suis"), ("he is", "il est"), ("she is", "elle est"),
         ("you are", "tu es"), ("we are", "nous sommes"), ("they are", "ils sont")]


def make_names(root, per_language=40, seed=0):
    rng = random.Random(seed)
    d = os.path.join(root, "data", "names")
    os.makedirs(d, exist_ok=True)
    for lang, (pre, suf) in _NAMES.items():
        names = sorted({rng.choice(pre) + rng.choice(suf) for _ in range(per_language)})
        with open(os.path.join(d, lang + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(names) + "\n")
    return d


def make_eng_fra(root):
    os.makedirs(os.path.join(root, "data"), exist_ok=True)
    lines = []
    for en_s, fr_s in _SUBJ:
        for en_a, fr_a in _ADJ:
            lines.append(f"{en_s.capitalize()} {en_a}.\t{fr_s.capitalize()} {fr_a}.")
    lines.append("Go.\tVa !")  # filtered out by eng_prefixes, as in the real file
    path = os.path.join(root, "data", "eng-fra.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path

"""The offline writer: honest demo content when no LLM key is set (`make run` on a bare machine).

It never echoes the prompt's instructions. An article is the pasted source's own sentences (the
simplest first, in source order), titled as a demo; a revision drops the draft's sentences richest
in the words the learner does not know (the same coverage loop then measures it). A story scene is
a short templated story in the target language when we have a template for it (else English),
with choices, new words and a summary — clearly labelled as the offline demo.
"""

from __future__ import annotations

import re
from typing import Any

from langlearn.languages import LANGUAGES

DEMO = "[offline demo]"
_SENTENCE = re.compile(r"[^.!?…。\n]+[.!?…。]*")
_FENCED = re.compile(r"<(source|draft)>\s*(.*?)\s*</\1>", re.S)
_UNKNOWN = re.compile(r"does not know \(rarest first\): ([^\n]*?)\.\n")

STORIES: dict[str, dict[str, Any]] = {
    "es": {
        "title": "Un día en el mercado",
        "scenes": [
            ["Es por la mañana. Llegas a un mercado pequeño.", "Hay frutas, pan y flores. Una mujer te mira."],
            ["La mujer sonríe. Tiene una caja en la mano.", "Dentro de la caja hay una llave vieja."],
            ["Caminas por la calle con la llave.", "Ves una puerta azul al final de la calle."],
        ],
        "end": ["Abres la puerta azul. Dentro hay un jardín bonito.", "Tu aventura termina aquí. ¡Muy bien!"],
        "choices": ["Hablar con la mujer", "Comprar pan", "Seguir caminando"],
        "new_words": [{"lemma": "mercado", "translation": "market"}, {"lemma": "llave", "translation": "key"}],
    },
    "fr": {
        "title": "Une journée au marché",
        "scenes": [
            ["C'est le matin. Tu arrives dans un petit marché.", "Il y a des fruits, du pain et des fleurs."],
            ["Une femme sourit. Elle a une boîte dans la main.", "Dans la boîte, il y a une vieille clé."],
            ["Tu marches dans la rue avec la clé.", "Tu vois une porte bleue au bout de la rue."],
        ],
        "end": ["Tu ouvres la porte bleue. Derrière, il y a un beau jardin.", "Ton aventure finit ici. Bravo !"],
        "choices": ["Parler à la femme", "Acheter du pain", "Continuer à marcher"],
        "new_words": [{"lemma": "marché", "translation": "market"}, {"lemma": "clé", "translation": "key"}],
    },
    "de": {
        "title": "Ein Tag auf dem Markt",
        "scenes": [
            ["Es ist Morgen. Du kommst auf einen kleinen Markt.", "Es gibt Obst, Brot und Blumen."],
            ["Eine Frau lächelt. Sie hat eine Kiste in der Hand.", "In der Kiste liegt ein alter Schlüssel."],
            ["Du gehst mit dem Schlüssel die Straße entlang.", "Am Ende der Straße siehst du eine blaue Tür."],
        ],
        "end": ["Du öffnest die blaue Tür. Dahinter ist ein schöner Garten.", "Dein Abenteuer endet hier. Toll!"],
        "choices": ["Mit der Frau sprechen", "Brot kaufen", "Weitergehen"],
        "new_words": [{"lemma": "Markt", "translation": "market"}, {"lemma": "Schlüssel", "translation": "key"}],
    },
    "en": {
        "title": "A day at the market",
        "scenes": [
            ["It is morning. You arrive at a small market.", "There is fruit, bread and flowers."],
            ["A woman smiles. She has a box in her hand.", "Inside the box there is an old key."],
            ["You walk down the street with the key.", "At the end of the street you see a blue door."],
        ],
        "end": ["You open the blue door. Behind it is a lovely garden.", "Your adventure ends here. Well done!"],
        "choices": ["Talk to the woman", "Buy some bread", "Keep walking"],
        "new_words": [{"lemma": "market", "translation": "market"}, {"lemma": "key", "translation": "key"}],
    },
}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip().split()) >= 2]


def _language_in(text: str) -> str:
    """The code of the first language named in `text` ("... people learning Spanish ...")."""
    found = [(text.find(name), code) for code, name in LANGUAGES.items() if name and name in text]
    return min(found)[1].split("-")[0] if found else "en"


def _article(prompt: str) -> dict[str, Any]:
    fenced = {m.group(1): m.group(2) for m in _FENCED.finditer(prompt)}
    if "draft" in fenced:  # a revision: drop the sentences richest in the words the learner lacks
        title, _, body = fenced["draft"].partition("\n\n")
        unknown = {w.strip().lower() for w in (_UNKNOWN.search(prompt) or [None, ""])[1].split(",") if w.strip()}
        sentences = _sentences(body) or [body.strip()]
        scored = [(sum(w.strip(".,;:¡!¿?").lower() in unknown for w in s.split()), i) for i, s in enumerate(sentences)]
        drop = {i for score, i in sorted(scored, reverse=True)[: len(sentences) // 2] if score}
        kept = [s for i, s in enumerate(sentences) if i not in drop] or sentences[:1]
        return {"title": title.strip() or f"{DEMO} Article", "body": " ".join(kept), "glossary": []}
    source = fenced.get("source", "")
    sentences = _sentences(source) or [source.strip()[:300] or "Offline demo text."]
    ordered = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))[:6]
    body = " ".join(sentences[i] for i in sorted(ordered))
    hint = re.search(r"The learner titled the source: '([^']*)'", prompt)
    title = f"{DEMO} {hint.group(1)}" if hint else f"{DEMO} Article from your text"
    return {"title": title[:200], "body": body, "glossary": []}


def _scene(system: str, prompt: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The schema says whether this is the opening (it asks for a title) or an ending (is_ending
    is const true); the story's middle scenes take turns."""
    story = STORIES.get(_language_in(system), STORIES["en"])
    props = schema.get("properties", {})
    ending = props.get("is_ending", {}).get("const") is True
    opening = "title" in props
    depth = 1 if opening else 2 + len(prompt) % (len(story["scenes"]) - 1)
    paragraphs = story["end"] if ending else story["scenes"][depth - 1]
    data: dict[str, Any] = {
        "paragraphs": list(paragraphs),
        "choices": [] if ending else [{"text": c} for c in story["choices"]],
        "is_ending": ending,
        "new_words": story["new_words"],
        "summary": f"{DEMO} Scene {depth} of the offline demo story." if not ending else f"{DEMO} The end.",
    }
    if opening:
        data["title"] = f"{DEMO} {story['title']}"
    return data


def write_for(schema_name: str, *, system: str, prompt: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    if schema_name == "learner_article":
        return _article(prompt)
    if schema_name == "story_scene":
        return _scene(system, prompt, schema)
    return None

"""What changed between two texts, in the pieces a reader compares: Chinese by character,
English (and any Latin-script word or number inside Chinese text) by word.

`diff(old, new)` gives both sides as lists of `Piece(text, changed)`; templates mark the
changed pieces (`<del>` on the old side, `<ins>` on the new one, admin/wic/includes/diff.html).
One rule serves both languages: a run of Latin letters or digits is one token, a run of
spaces is one token, and any other character (a Chinese character, a punctuation mark) is a
token of its own.
"""

import difflib
import re
from dataclasses import dataclass

TOKEN = re.compile(r"[A-Za-z0-9À-ɏ’'_-]+|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class Piece:
    text: str
    changed: bool


def tokens(text):
    return TOKEN.findall(text or "")


def _joined(pieces):
    """Neighbouring pieces of the same kind as one (fewer, longer marks)."""
    merged = []
    for piece in pieces:
        if piece.text and merged and merged[-1].changed == piece.changed:
            merged[-1] = Piece(merged[-1].text + piece.text, piece.changed)
        elif piece.text:
            merged.append(piece)
    return merged


def diff(old, new):
    """(old pieces, new pieces): the texts cut into unchanged and changed pieces."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    old_pieces, new_pieces = [], []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = operation != "equal"
        old_pieces.append(Piece("".join(old_tokens[i1:i2]), changed))
        new_pieces.append(Piece("".join(new_tokens[j1:j2]), changed))
    return _joined(old_pieces), _joined(new_pieces)

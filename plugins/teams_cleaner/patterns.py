"""The compiled patterns of the Teams cleaner: non-speech markers, system lines, guest suffixes,
pseudo-label speaker names and whitespace. One job: say what is noise, fast.

Markers are removed from the whole transcript in one pass: every pattern here that runs over the
joined speech starts with one of a few literal characters (`{`, `[`, `(`), so the regex engine
skips straight to candidates in C instead of trying every position.
"""

from __future__ import annotations

import re

# The separator the cleaner joins turns with before running a pattern over all of them at once.
# It is not whitespace for any pattern below, so no marker or whitespace run can cross two turns.
SEP = "\x1e"

# --- Non-speech markers ---------------------------------------------------------------------------

# Curly-brace markers are transcription conventions and never speech: {vocalsound}, {disfmarker},
# {gap}, {pause}, {nonvocalsound}, {comment}, {laugh}... any single short word in braces.
_CURLY = r"\{ ?[A-Za-z][A-Za-z_-]{0,30} ?\}"

# Bracketed or parenthesised markers are removed only when their content is one of these (any case,
# optional final period, optional Rev-style time such as "[inaudible 00:12:03]"). Anything else in
# brackets or parentheses is speech or an editor's note and stays: "(see page 4)", "(Wales)".
KNOWN_MARKERS = (
    # English
    "inaudible", "inaudible speech", "unintelligible", "indistinct", "indiscernible", "unclear",
    "crosstalk", "cross-talk", "cross talk", "overlapping", "overlapping speech", "interruption",
    "laughter", "laughs", "laughing", "laugh", "chuckles", "chuckling", "giggles", "giggling",
    "applause", "clapping", "music", "music playing", "silence", "pause", "long pause", "short pause",
    "cough", "coughs", "coughing", "clears throat", "sigh", "sighs", "sneeze", "sneezes", "breath",
    "breathing", "noise", "background noise", "static", "beep", "phone rings", "phone ringing",
    "mumbles", "mumbling", "whispers", "whispering", "yawns", "gap", "no audio", "blank audio",
    "blank_audio", "audio cuts out", "foreign language", "vocalsound", "nonvocalsound", "disfmarker",
    # Portuguese
    "inaudível", "inaudivel", "ininteligível", "ininteligivel", "incompreensível", "incompreensivel",
    "trecho inaudível", "trecho incompreensível", "risos", "riso", "risada", "risadas", "rindo",
    "música", "musica", "aplausos", "palmas", "silêncio", "silencio", "pausa", "pausa longa",
    "tosse", "tossindo", "pigarro", "suspiro", "suspira", "espirro", "respiração", "respiracao",
    "ruído", "ruido", "barulho", "ruído de fundo", "barulho de fundo", "fala sobreposta",
    "falas sobrepostas", "vozes sobrepostas", "sobreposição", "sobreposicao", "interrupção",
    "interrupcao", "áudio cortado", "audio cortado", "falha no áudio", "falha de áudio", "choro",
    "bipe", "bip", "vinheta",
)
_KNOWN = "|".join(re.escape(m).replace(r"\ ", " ") for m in sorted(set(KNOWN_MARKERS), key=len, reverse=True))
_TIME = r"(?: \d{1,2}:\d{2}(?::\d{2})?)?"
_BRACKET = rf"\[ ?(?i:{_KNOWN}){_TIME}\.? ?\]"
_PAREN = rf"\( ?(?i:{_KNOWN}){_TIME}\.? ?\)"

# A marker and the spaces after it: "uh {vocalsound} uh" -> "uh uh", "{gap} {pause} so" -> "so".
MARKER_RE = re.compile(rf"(?:{_CURLY}|{_BRACKET}|{_PAREN})[ \t]*")
# The same for a text without "[" or "(" (where only curly markers can match): starting with a literal
# "{", it lets the regex engine jump between candidates, three times as fast as MARKER_RE on QMSum.
CURLY_MARKER_RE = re.compile(rf"{_CURLY}[ \t]*")

# --- Whitespace -----------------------------------------------------------------------------------

# Whitespace other than a plain space (the separator excluded). Checked first, because collapsing is
# rarely needed and the check is a fast scan.
_WS = "\t\n\r\f\v\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
ODD_WS_RE = re.compile(f"[{_WS}]")
COLLAPSE_WS_RE = re.compile(f" [ {_WS}]+|[{_WS}][ {_WS}]*")

# --- Words ---------------------------------------------------------------------------------------

# Words are counted by qualia_core.text (as everywhere in Qualia). A turn without a word but with a digit
# ("5.", "10:30") is still speech: it counts as one word when turns are dropped for being short.
DIGIT_RE = re.compile(r"\d")

# --- System lines ---------------------------------------------------------------------------------

SYSTEM_SPEAKERS = frozenset({"system", "sistema"})

# A display name as Teams shows it: capitalised words, name particles, initials, an e-mail, a
# "(Guest)"-like suffix. It must not start with a pronoun: "I left the meeting ." is speech.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_TOKEN = (rf"(?:[{_UPPER}][\w.'’-]*|[\w.+-]+@[\w.-]+|\([^()\n]{{1,30}}\)|"
          r"(?:da|de|do|das|dos|di|du|van|von|der|den|la|le|del|e)),?")
_NOT_NAME = (r"(?:I|He|She|We|They|It|You|Someone|Somebody|Everyone|Everybody|Nobody|Who|The|This|"
             r"That|Then|And|So|But|Ele|Ela|Eles|Elas|Eu|Nós|Você|Vocês|Alguém|Ninguém|Todos|Quem|"
             r"Então|Aí)\b")
_NAME = rf"(?!{_NOT_NAME}){_TOKEN}(?: {_TOKEN}){{0,7}}"

# What a named person did: "Ana Silva joined the meeting", "Ana saiu da reunião".
_EVENTS = (
    r"(?:has |have )?(?:joined|left)(?: the)? (?:meeting|call|conversation)",
    r"(?:was |has been )?(?:admitted to|removed from)(?: the)? (?:meeting|call)",
    r"is (?:now )?presenting|(?:has )?(?:started|stopped) presenting",
    r"(?:has )?(?:started|stopped|paused|resumed|ended) (?:the )?(?:recording|transcription|transcribing)"
    r"(?: and transcription)?",
    r"(?:entrou|saiu|ingressou)(?: (?:na|da|à|a|no|do))? (?:reunião|chamada)",
    r"foi (?:admitid[oa]|removid[oa]) (?:na|da|à) (?:reunião|chamada)",
    r"está apresentando|(?:começou|passou) a apresentar|(?:parou|deixou) de apresentar"
    r"|(?:iniciou|encerrou) a apresentação",
    r"(?:iniciou|começou|parou|interrompeu|encerrou|pausou|retomou|finalizou) a (?:gravação|transcrição)",
)
# A state of the meeting, with no name: "Recording started", "A gravação começou", "Gravação iniciada".
_STATES = (
    r"(?:the )?(?:meeting )?(?:recording|transcription|recording and transcription|meeting)"
    r" (?:has )?(?:started|stopped|ended|begun|paused|resumed)",
    r"(?:started|stopped) (?:recording|transcription|transcribing)",
    r"(?:a |o )?(?:gravação|transcrição|reunião|gravação e transcrição)(?: (?:foi|foram|está))?"
    r" (?:começou|iniciada|iniciou|parou|parada|interrompida|encerrada|encerrou|terminou|finalizada"
    r"|pausada|retomada|em andamento)",
)
_EVENT = "(?i:" + "|".join(_EVENTS) + ")"
_STATE = "(?i:" + "|".join(_STATES) + ")"
SYSTEM_RE = re.compile(rf"(?:{_NAME} {_EVENT}|{_EVENT}|{_STATE})\.?")

# Every system line ends with one of these words (optional period): a cheap test on the last word
# of a turn, so the full pattern only runs on the few turns that could be system lines.
_LAST_WORDS = (
    "meeting", "call", "conversation", "presenting", "recording", "transcription", "transcribing",
    "started", "stopped", "ended", "begun", "paused", "resumed", "reunião", "chamada", "apresentar",
    "apresentando", "apresentação", "gravação", "transcrição", "começou", "iniciada", "iniciou",
    "parou", "parada", "interrompida", "encerrada", "encerrou", "terminou", "finalizada", "pausada",
    "retomada", "andamento",
)
SYSTEM_LAST_WORDS = frozenset(w + p for w in _LAST_WORDS for p in ("", "."))
SYSTEM_MAX_LEN = 200

# --- Speaker names --------------------------------------------------------------------------------

# Teams suffixes after a display name: "Ana Silva (Guest)", "João (Convidado)", "Bob [External]".
GUEST_SUFFIX_RE = re.compile(
    r"(?:[ \t]*[(\[](?i:guest|convidad[oa]|external|extern[oa]|visitante|unverified|"
    r"não verificad[oa]|nao verificad[oa])[)\]])+[ \t]*$"
)
# Punctuation and quotes around a name ("'Ana'", "- Bob:", "**Carla**"). Periods stay: "Jr.", "Hon.".
NAME_STRIP = " \t\"'“”‘’«»„‚`´:;,*_-–—•·|~=#>"
NAME_WRAPPERS = (("[", "]"), ("<", ">"), ("(", ")"), ("{", "}"))

# Names a diarizer or transcription service gives when it does not know who spoke.
PSEUDO_LABEL_RE = re.compile(
    r"(?i:(?:speaker|spk|falante|locutor[a]?|orador[a]?|participant|participante|person|pessoa|"
    r"voice|voz|unknown(?: speaker)?|desconhecido|guest|convidad[oa]|user|usuário|usuario)"
    r"(?:[ _#-]?(?:\d{1,3}|[A-Z]))?)|\d{1,3}|[A-Z]"
)

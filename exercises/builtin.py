"""The built-in exercise library, and the function that installs it.

The texts are the practice's own wording of ideas common in couples work on
emotional intimacy (listening, "I" statements, rituals, bids for connection,
gradual vulnerability, emotional availability, expectations, trust).

Each is written in English and carries its Spanish (``"translations"``,
built by ``spanish()``: exercises/translations.py says what they hold), in
the practice's own words too, addressed formally ("usted").

``install_builtin_templates`` upserts them by slug, translations included. The data migration calls
it, and so does load_demo, so editing this list and running either keeps the
database current. A run that finds nothing to change writes nothing.
"""

from __future__ import annotations

from typing import Any

from exercises.builtin_intake import INTAKE_TEMPLATES, spanish
from exercises.fields import FieldSpec, clean_field_specs
from exercises.translations import clean_translations

# --- Small builders, so the library below reads like a form ------------------------


def _text(
    key: str,
    label: str,
    *,
    long: bool = False,
    required: bool = True,
    max_length: int | None = None,
    help_text: str = "",
    hints: bool = False,
) -> FieldSpec:
    spec: FieldSpec = {
        "key": key,
        "kind": "long_text" if long else "short_text",
        "label": label,
        "help_text": help_text,
        "required": required,
        "blame_hints": hints,
    }
    if max_length is not None:
        spec["max_length"] = max_length
    return spec


def _choice(
    key: str, label: str, options: list[tuple[str, str]], *, required: bool = True, help_text: str = ""
) -> FieldSpec:
    return {
        "key": key,
        "kind": "single_choice",
        "label": label,
        "help_text": help_text,
        "required": required,
        "choices": [{"value": value, "label": text} for value, text in options],
    }


def _checklist(
    key: str, label: str, options: list[tuple[str, str]], *, required: bool = False, help_text: str = ""
) -> FieldSpec:
    return {
        "key": key,
        "kind": "checklist",
        "label": label,
        "help_text": help_text,
        "required": required,
        "choices": [{"value": value, "label": text} for value, text in options],
    }


def _scale(key: str, label: str, low: str, high: str, *, required: bool = True, help_text: str = "") -> FieldSpec:
    return {
        "key": key,
        "kind": "scale",
        "label": label,
        "help_text": help_text,
        "required": required,
        "min_label": low,
        "max_label": high,
    }


def _yes_no(key: str, label: str, *, required: bool = True, help_text: str = "") -> FieldSpec:
    return {"key": key, "kind": "yes_no", "label": label, "help_text": help_text, "required": required}


def _number(
    key: str,
    label: str,
    *,
    low: float | None = None,
    high: float | None = None,
    required: bool = False,
    help_text: str = "",
) -> FieldSpec:
    return {
        "key": key,
        "kind": "number",
        "label": label,
        "help_text": help_text,
        "required": required,
        "min": low,
        "max": high,
    }


def _date(key: str, label: str, *, required: bool = True, help_text: str = "") -> FieldSpec:
    return {"key": key, "kind": "date", "label": label, "help_text": help_text, "required": required}


RARELY_ALWAYS = ("Rarely", "Almost always")

# --- The library ---------------------------------------------------------------------

BUILTIN_TEMPLATES: list[dict[str, Any]] = [
    {
        "slug": "active-listening",
        "title": "Active listening: speaker and listener",
        "summary": "Take turns talking and reflecting back until the one talking feels understood.",
        "category": "communication",
        "estimated_minutes": 20,
        "completion_mode": "each_partner",
        "visibility": "at_once",
        "kind": "once",
        "instructions": """\
Find twenty unhurried minutes and put your phones in another room.

1. **Decide who talks first.** The speaker takes three to five minutes on
   anything that is on their mind; it need not be about the two of you.
2. **The listener only tries to understand.** No advice, no defending, no
   turning the talk to yourself. When the speaker pauses, put what you heard
   into your own words and name the feeling you picked up underneath it:
   *"So the meeting ran over again, and it sounds like you felt brushed aside."*
3. **The speaker confirms or corrects.** If something was missed, say so
   kindly and let the listener have another go.
4. **Change places** and do it again.

Afterwards, each of you fills in this page on your own.
""",
        "fields": [
            _text("what_i_shared", "As the speaker: what did you talk about?", long=True, max_length=1500),
            _text(
                "what_i_heard",
                "As the listener: what did you hear, and what feeling did you notice under it?",
                long=True,
                max_length=1500,
            ),
            _scale("heard", "As the speaker, how heard did you feel?", "Not heard at all", "Completely heard"),
            _text(
                "what_helped",
                "What did your partner do that helped you feel heard?",
                long=True,
                required=False,
                max_length=1000,
            ),
        ],
    },
    {
        "slug": "i-statements",
        "title": "“I” statements",
        "summary": "Turn a complaint into words about your own experience and a clear, doable request.",
        "category": "communication",
        "estimated_minutes": 10,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Think of one recent moment that bothered you. Rather than describing what
your partner *is like*, describe what happened and what it was like for you.
Complete each part:

- **I feel** … one or two feeling words: hurt, lonely, anxious, overlooked;
- **when** … what happened, as a video camera would have recorded it;
- **because** … why it matters to you;
- **what I would like is** … something specific your partner could do.

For example: *I feel lonely when we spend the evening on our phones, because
our evenings are the time I look forward to all day. What I would like is one
evening a week with both phones switched off.*

If a line sounds like blame, the page suggests another way to put it. The
suggestion is only advice: you can still submit what you wrote.
""",
        "fields": [
            _text("i_feel", "I feel…", max_length=150, hints=True),
            _text("when", "when…", max_length=400, hints=True),
            _text("because", "because…", max_length=400, hints=True),
            _text("would_like", "What I would like is…", max_length=400, hints=True),
            _text("reflection", "How did it feel to put it this way?", long=True, required=False, max_length=1000),
        ],
    },
    {
        "slug": "rituals-of-connection",
        "title": "Rituals of connection",
        "summary": "Keep one small, regular ritual that belongs to the two of you, and log each time.",
        "category": "connection",
        "estimated_minutes": 5,
        "completion_mode": "each_partner",
        "visibility": "at_once",
        "kind": "practice",
        "instructions": """\
A ritual is something small you do together on purpose and on a rhythm, so
that staying connected does not depend on finding spare time. Choose one that
suits your week, or make up your own:

- a coffee or tea together before the day begins, with no screens;
- a weekly sit-down where each of you tells the other the best and the
  hardest moment of the week;
- a date once a month, planned by each of you in turn.

Whenever it is due, each of you logs whether it happened and how close you
felt. Log separately even when you did it together: your counselor can see
where you both agree that it took place.
""",
        "fields": [
            _choice(
                "ritual",
                "Which ritual?",
                [
                    ("morning_coffee", "Coffee or tea together before the day begins"),
                    ("highs_and_lows", "Weekly best-and-hardest-moment talk"),
                    ("date_night", "Monthly date"),
                    ("our_own", "One of our own"),
                ],
            ),
            _text("our_own", "If it is your own, what is it?", required=False, max_length=200),
            _yes_no("happened", "Did it happen this time?"),
            _number("minutes", "Roughly how many minutes did it last?", low=0, high=600),
            _scale("closeness", "How close did you feel?", "Far apart", "Very close", required=False),
            _text("note", "Anything you want to remember about it", long=True, required=False, max_length=1000),
        ],
    },
    {
        "slug": "weekly-check-in",
        "title": "Weekly check-in",
        "summary": "A short weekly talk: a high, a low, a thank-you and one request.",
        "category": "communication",
        "estimated_minutes": 15,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Once a week, at a calm moment, give each other a quarter of an hour. First
write your answers here on your own; then take turns reading them aloud.

- **A high**: a moment this week you enjoyed or felt good about.
- **A low**: a moment that was hard.
- **An appreciation**: something your partner did that you valued.
- **A request**: one small, concrete thing you would like next week.

Hear each other's answers without debating them. The check-in is there to
catch small things early, not to settle everything in one sitting.
""",
        "fields": [
            _text("high", "A high of your week", long=True, max_length=1000),
            _text("low", "A low of your week", long=True, max_length=1000),
            _text("appreciation", "Something your partner did that you appreciated", long=True, max_length=1000),
            _text("request", "One request for the week ahead", max_length=300, hints=True),
        ],
    },
    {
        "slug": "appreciation-log",
        "title": "Appreciation and gratitude log",
        "summary": "Notice one thing your partner did that you are grateful for, and say so.",
        "category": "appreciation",
        "estimated_minutes": 5,
        "completion_mode": "each_partner",
        "visibility": "at_once",
        "kind": "practice",
        "instructions": """\
Everyday kindnesses become invisible once they are routine. Each time this is
due, write down one thing your partner did, however ordinary: the school run,
a message in the middle of a long day, patience on a bad evening.

Note why it mattered, and if you can, tell your partner too, out loud or in a
note. Your partner can read what you write here.
""",
        "fields": [
            _text("what_they_did", "What did your partner do?", long=True, max_length=1000),
            _text("why_it_mattered", "Why did it matter to you?", long=True, required=False, max_length=1000),
            _yes_no("told_them", "Did you thank them for it?"),
        ],
    },
    {
        "slug": "turning-toward",
        "title": "Turning toward bids for connection",
        "summary": "Notice the small invitations to connect, and how each was answered.",
        "category": "connection",
        "estimated_minutes": 5,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "practice",
        "instructions": """\
All day long, partners make small bids for each other's attention: a remark
about something in the news, a sigh, a hand on a shoulder, *"come and look at
this"*. A bid can meet one of three answers:

- **turning toward**: noticing it and responding, even briefly;
- **turning away**: missing or ignoring it, often without meaning to;
- **turning against**: answering with irritation or a put-down.

Log one bid, either one you made or one you noticed from your partner. Be
honest about how it was answered: the aim is to notice, not to keep score.
""",
        "fields": [
            _choice("who", "Whose bid was it?", [("mine", "I made it"), ("partner", "My partner made it")]),
            _text("bid", "What was the bid?", long=True, max_length=600),
            _choice(
                "answer",
                "How was it answered?",
                [
                    ("toward", "Turned toward"),
                    ("away", "Turned away"),
                    ("against", "Turned against"),
                ],
            ),
            _scale("connected", "How connected did that moment leave you?", "Not at all", "Very", required=False),
            _text(
                "next_time",
                "If it went away or against, what could be tried next time?",
                long=True,
                required=False,
                max_length=600,
                hints=True,
            ),
        ],
    },
    {
        "slug": "vulnerability-ladder",
        "title": "Vulnerability ladder",
        "summary": "Share something personal one rung at a time, starting where it feels manageable.",
        "category": "vulnerability",
        "estimated_minutes": 20,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Openness grows in steps, and trust keeps pace with it. Start on the lowest
rung that feels manageable, and climb only when the last step felt safe.

1. Pick a rung.
2. Tell your partner, at a time when neither of you is rushed.
3. The listener thanks the one who shared and answers with care: no fixing,
   no judging.
4. Swap.

The rungs, from lighter to deeper: a memory from childhood; something that
has worried you lately; a hope for the next few years; a fear about yourself
or about the two of you; something you rarely tell anyone.

You do not have to write down what you said; a few words are enough.
""",
        "fields": [
            _choice(
                "rung",
                "Which rung did you share from?",
                [
                    ("childhood_memory", "1. A childhood memory"),
                    ("recent_worry", "2. A recent worry"),
                    ("hope", "3. A hope for the next few years"),
                    ("fear", "4. A fear about myself or about us"),
                    ("rarely_told", "5. Something I rarely tell anyone"),
                ],
            ),
            _text("shared_note", "A few words about what you shared", long=True, required=False, max_length=1000),
            _scale("felt_safe", "How safe did sharing feel?", "Not safe", "Very safe"),
            _text(
                "partner_response",
                "What did your partner do that helped, or did not?",
                long=True,
                required=False,
                max_length=600,
            ),
            _yes_no("next_rung", "Ready to try the next rung next time?"),
        ],
    },
    {
        "slug": "what-blocks-closeness",
        "title": "What blocks closeness",
        "summary": "A private look at your own habits that push closeness away, and one to work on.",
        "category": "self_awareness",
        "estimated_minutes": 15,
        "completion_mode": "each_partner",
        "visibility": "counselor_only",
        "kind": "once",
        "instructions": """\
Many of us, without realising it, keep doing things that make closeness
harder even while we long for more of it. This page is about your own habits,
not your partner's.

Tick the ones you recognise in yourself over the last few weeks. Most people
tick several; that is ordinary, and it is a place to start, not a judgement.
Then write what you notice, and choose one habit to work on.

Only your counselor sees this page.
""",
        "fields": [
            _checklist(
                "habits",
                "Which of these have you caught yourself doing lately?",
                [
                    ("feelings_as_leverage", "Voicing complaints or feelings mainly to get my partner to change"),
                    ("pressing_needs", "Pressing for sex, or expecting my partner to meet every need I have"),
                    ("blaming", "Holding my partner responsible for my own behaviour"),
                    ("unasked_advice", "Giving advice nobody asked for, or analysing my partner"),
                    ("criticising", "Criticising or judging my partner"),
                    ("talk_now", "Insisting we talk right now, before my partner is ready"),
                    ("silence_threats", "Threatening to stop talking unless I get my way"),
                    ("explosive", "Blowing up, or reacting in ways my partner cannot predict"),
                    (
                        "escaping",
                        "Retreating into work, hobbies, substances, the kids or someone else to dodge conflict",
                    ),
                    ("false_agreement", "Agreeing out loud, then quietly doing what I wanted anyway"),
                    ("tuned_out", "Being in the same room but not really present"),
                    ("overgiving", "Dropping my own goals and needs to be available to everyone else"),
                ],
            ),
            _text("reflection", "What do you notice about when these show up?", long=True, max_length=2000),
            _text("focus", "One habit you want to work on, and a first small step", max_length=300),
        ],
    },
    {
        "slug": "emotional-availability",
        "title": "Signs of emotional availability",
        "summary": "Rate yourself on eight habits that make it safe for a partner to open up.",
        "category": "self_awareness",
        "estimated_minutes": 10,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Being emotionally available means your partner can bring you what is going on
inside them and expect to be met with respect. For each statement, rate how
often it has been true of you lately, from 1 (rarely) to 5 (almost always).

Aim for honest rather than generous or harsh: this shows where you are today,
and it is not a grade.
""",
        "fields": [
            _scale(
                "owns_self",
                "I own my thoughts, feelings and actions instead of pinning them on others.",
                *RARELY_ALWAYS,
            ),
            _scale("open_to_views", "I can hear a view different from mine without judging it.", *RARELY_ALWAYS),
            _scale("growing", "I put effort into understanding myself and growing.", *RARELY_ALWAYS),
            _scale("self_soothes", "I notice my own emotions and can settle myself when upset.", *RARELY_ALWAYS),
            _scale("witnesses", "I can stay with my partner's feelings without rushing to fix them.", *RARELY_ALWAYS),
            _scale("apologises", "When I get something wrong, I apologise and mean it.", *RARELY_ALWAYS),
            _scale("follows_through", "My partner can count on me to follow through.", *RARELY_ALWAYS),
            _scale("curious", "I bring curiosity and respect to our conversations.", *RARELY_ALWAYS),
            _text(
                "reflection",
                "Which of these would you most like to grow in, and why?",
                long=True,
                required=False,
                max_length=1500,
            ),
        ],
    },
    {
        "slug": "five-skills",
        "title": "Five skills for closeness",
        "summary": "Reflect on knowing, valuing, soothing and sharing yourself, and on staying curious.",
        "category": "self_awareness",
        "estimated_minutes": 20,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Feeling close has less to do with intense emotion than with settling down
enough to go on discovering each other, and that starts with you. Five skills
help:

1. **Know yourself**: notice what you feel, need and want, so that you have
   something to share.
2. **Value yourself**: your worth does not rise and fall with your partner's
   approval on a given day.
3. **Soothe yourself**: settle your own upset before a hard talk, so that the
   feeling does not do the talking.
4. **Share yourself**: say what you think and feel without needing your
   partner to agree.
5. **Be curious**: ask and listen as much as you speak, and do not assume you
   already know the answer.

Write a few lines on each from the past week, then choose one to practise.
""",
        "fields": [
            _text("know", "Know: something you noticed about your own feelings or needs", long=True, max_length=800),
            _text(
                "value",
                "Value: a moment you held on to your own worth, or found it hard to",
                long=True,
                required=False,
                max_length=800,
            ),
            _text(
                "soothe",
                "Soothe: what helped you calm down when you were upset",
                long=True,
                required=False,
                max_length=800,
            ),
            _text(
                "share",
                "Share: something you told your partner about yourself",
                long=True,
                required=False,
                max_length=800,
            ),
            _text(
                "curious",
                "Be curious: a question you asked your partner, and what you learned",
                long=True,
                required=False,
                max_length=800,
            ),
            _choice(
                "focus",
                "Which skill will you practise next?",
                [
                    ("know", "Know myself"),
                    ("value", "Value myself"),
                    ("soothe", "Soothe myself"),
                    ("share", "Share myself"),
                    ("curious", "Be curious"),
                ],
            ),
        ],
    },
    {
        "slug": "relationship-expectations",
        "title": "Relationship expectations",
        "summary": "Put your expectations of the relationship into words and look at them honestly.",
        "category": "self_awareness",
        "estimated_minutes": 20,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Expectations nobody has said out loud are a common source of disappointment:
each partner measures the relationship against a picture the other has never
seen. Put yours into words.

Write what you expect from the relationship in everyday terms: time
together, help at home, affection, how disagreements are handled, faith,
money. Then look at each one. Who would have to change for it to happen? Is
that change in your hands? How realistic is it? Your partner's choices are
theirs to make; yours are how you react and what you ask for.

Bring what you write to your next session.
""",
        "fields": [
            _text("expectations", "What do you expect of the relationship?", long=True, max_length=3000),
            _text(
                "who_changes",
                "For these to happen, what would need to change, and whose change is it?",
                long=True,
                max_length=1500,
                hints=True,
            ),
            _text("in_my_hands", "Which part of it is in your own hands?", long=True, max_length=1500),
            _scale("realistic", "Overall, how realistic do your expectations feel?", "Not realistic", "Very realistic"),
            _yes_no("discuss", "Would you like to talk these through in session?", required=False),
        ],
    },
    {
        "slug": "empathy-and-validation",
        "title": "Empathy and validation",
        "summary": "Practise showing your partner that their feelings make sense, even when you see it differently.",
        "category": "empathy",
        "estimated_minutes": 15,
        "completion_mode": "each_partner",
        "visibility": "at_once",
        "kind": "once",
        "instructions": """\
Validating is not agreeing. It tells your partner: *given how you saw it, your
feelings make sense.*

Ask your partner about something that was hard for them recently (start with
something that is not about you). Listen, then answer with words that show
you grasped how it felt, for instance:

- "No wonder you were worn out after that."
- "I understand why that stung."
- "That sounds like a lot to carry on your own."

Hold back advice, comparisons and bright sides for now. Then swap, and
afterwards each of you writes down how it went.
""",
        "fields": [
            _text("what_they_shared", "What did your partner tell you about?", long=True, max_length=1000),
            _text("what_i_said", "What did you say to show you understood?", long=True, max_length=1000),
            _text(
                "hardest",
                "What was hardest about holding back advice or disagreement?",
                long=True,
                required=False,
                max_length=800,
            ),
            _scale(
                "felt_understood",
                "When you were the one sharing, how understood did you feel?",
                "Not understood",
                "Deeply understood",
            ),
        ],
    },
    {
        "slug": "new-shared-experience",
        "title": "Plan a new shared experience",
        "summary": "Choose something neither of you has done before and put it on the calendar together.",
        "category": "connection",
        "estimated_minutes": 20,
        "completion_mode": "joint",
        "visibility": "at_once",
        "kind": "once",
        "instructions": """\
Doing something new together makes fresh memories and lets you see each other
outside your usual roles. Plan it together and send one answer for the two of
you; either of you can submit it, and both can edit it until your counselor
has read it.

A few ideas: a class (cooking, dancing, pottery), a trail or a part of town
you have never walked, a hobby you can take up side by side such as gardening
or painting. Choose something you are both at least a little curious about,
set a date and agree on a first step. Once it has happened, come back and add
how it went.
""",
        "fields": [
            _choice(
                "idea",
                "What kind of experience?",
                [
                    ("class", "A class or workshop"),
                    ("outdoors", "Somewhere new outdoors"),
                    ("hobby", "A hobby to share"),
                    ("other", "Something else"),
                ],
            ),
            _text("plan", "What exactly will you do?", max_length=300),
            _date("planned_for", "When?"),
            _text("first_step", "The first step, and who takes it", max_length=300),
            _number("budget", "Rough budget in dollars, if any", low=0, high=100000),
            _text("how_it_went", "Afterwards: how did it go?", long=True, required=False, max_length=1500),
        ],
    },
    {
        "slug": "keeping-promises",
        "title": "Keeping promises",
        "summary": "Make one small promise for the week, follow it through, and repair if it slips.",
        "category": "trust",
        "estimated_minutes": 10,
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "instructions": """\
Trust grows less from grand gestures than from small promises kept, week
after week. Promise your partner one specific, modest thing for the coming
week: home by six on Thursday, booking the dentist, phones away at dinner.

At the end of the week, note whether you kept it. If you did not, say what
got in the way and how you acknowledged it to your partner. A slip that is
owned honestly can still build trust.
""",
        "fields": [
            _text("promise", "What did you promise?", max_length=300),
            _choice("kept", "Did you keep it?", [("yes", "Yes"), ("partly", "Partly"), ("no", "No")]),
            _text("obstacle", "What got in the way, if anything?", long=True, required=False, max_length=800),
            _text(
                "repair",
                "If it slipped, how did you acknowledge it to your partner?",
                long=True,
                required=False,
                max_length=800,
            ),
            _scale(
                "confidence",
                "How sure do you feel about keeping next week's promise?",
                "Unsure",
                "Very sure",
                required=False,
            ),
        ],
    },
]

# --- The library's Spanish (exercises/translations.py; built by spanish()) -----------

CASI_NUNCA_SIEMPRE = ("Casi nunca", "Casi siempre")

_SPANISH: dict[str, dict[str, Any]] = {
    "active-listening": spanish(
        "Escucha activa: quien habla y quien escucha",
        "Túrnense para hablar y para devolver lo escuchado, hasta que quien habla sienta que se le ha comprendido.",
        """\
Busquen veinte minutos sin prisa y dejen los teléfonos en otra habitación.

1. **Decidan quién empieza a hablar.** Quien habla dispone de tres a cinco
   minutos para contar lo que tenga en mente; no hace falta que sea sobre la
   relación.
2. **Quien escucha solo intenta entender.** Nada de consejos, de defenderse
   ni de llevar la conversación hacia sí. Cuando la otra persona haga una
   pausa, repita con sus propias palabras lo que oyó y nombre el sentimiento
   que percibió por debajo: *"O sea, la reunión volvió a alargarse y, por lo
   que oigo, eso se vivió como quedar en segundo plano."*
3. **Quien habla confirma o corrige.** Si algo se perdió, dígalo con
   amabilidad y deje que quien escucha lo intente otra vez.
4. **Intercambien los papeles** y repitan el ejercicio.

Al terminar, cada uno completa esta página por su cuenta.
""",
        {
            "what_i_shared": "Cuando le tocó hablar: ¿de qué habló?",
            "what_i_heard": "Cuando le tocó escuchar: ¿qué oyó, y qué sentimiento notó por debajo?",
            "heard": (
                "Cuando le tocó hablar, ¿hasta qué punto sintió que le escuchaban?",
                "En absoluto",
                "Por completo",
            ),
            "what_helped": "¿Qué hizo su pareja que le ayudó a sentir que le escuchaba?",
        },
    ),
    "i-statements": spanish(
        "Frases en primera persona",
        "Convierta una queja en palabras sobre su propia experiencia y en un pedido claro y posible.",
        """\
Piense en un momento reciente que le haya molestado. En lugar de describir
cómo *es* su pareja, cuente qué pasó y cómo lo vivió usted. Complete cada
parte:

- **Me siento** … una o dos palabras que nombren lo que siente: dolor,
  soledad, inquietud, la sensación de no contar;
- **cuando** … lo que pasó, tal como lo habría registrado una cámara de video;
- **porque** … por qué le importa;
- **lo que me gustaría es** … algo concreto que su pareja podría hacer.

Un ejemplo: *Me siento sola cuando pasamos la noche cada uno con su
teléfono, porque esas horas juntos son lo que espero durante todo el día. Lo
que me gustaría es una noche por semana con los dos teléfonos apagados.*

Si alguna línea suena a reproche, la página le propone otra forma de
decirla. Es solo una sugerencia: puede enviar lo que escribió de todos modos.
""",
        {
            "i_feel": "Me siento…",
            "when": "cuando…",
            "because": "porque…",
            "would_like": "Lo que me gustaría es…",
            "reflection": "¿Cómo se sintió al decirlo de esta manera?",
        },
    ),
    "rituals-of-connection": spanish(
        "Rituales de conexión",
        "Mantengan un ritual pequeño y regular que sea solo de ustedes dos, y registren cada vez.",
        """\
Un ritual es algo pequeño que hacen juntos, a propósito y con cierta
regularidad, para que seguir cerca no dependa de que sobre tiempo. Elijan uno
que encaje en su semana, o inventen el suyo:

- un café o un té juntos antes de empezar el día, sin pantallas;
- una charla semanal en la que cada uno cuenta el mejor y el peor momento de
  su semana;
- una cita al mes, que organiza cada uno por turnos.

Cada vez que toque, cada uno registra si se hizo y cuánta cercanía sintió.
Regístrenlo por separado aunque lo hayan hecho juntos: su consejero o
consejera puede ver cuándo los dos coinciden en que ocurrió.
""",
        {
            "ritual": (
                "¿Qué ritual?",
                {
                    "morning_coffee": "Café o té juntos antes de empezar el día",
                    "highs_and_lows": "Charla semanal sobre el mejor y el peor momento",
                    "date_night": "Cita mensual",
                    "our_own": "Uno propio",
                },
            ),
            "our_own": "Si es uno propio, ¿en qué consiste?",
            "happened": "¿Se llevó a cabo esta vez?",
            "minutes": "Aproximadamente, ¿cuántos minutos duró?",
            "closeness": ("¿Cuánta cercanía sintió?", "Mucha distancia", "Mucha cercanía"),
            "note": "Algo que quiera recordar de esta vez",
        },
    ),
    "weekly-check-in": spanish(
        "Conversación semanal",
        "Una charla breve cada semana: un buen momento, uno difícil, un agradecimiento y un pedido.",
        """\
Una vez por semana, en un momento tranquilo, dedíquense un cuarto de hora.
Primero escriba aquí sus respuestas por su cuenta; después, túrnense para
leerlas en voz alta.

- **Un buen momento**: algo de esta semana que disfrutó o que le hizo bien.
- **Un momento difícil**: algo que le costó.
- **Un agradecimiento**: algo que hizo su pareja y que usted valoró.
- **Un pedido**: una cosa pequeña y concreta que le gustaría para la semana
  próxima.

Escuchen las respuestas del otro sin debatirlas. Esta conversación sirve para
notar a tiempo las cosas pequeñas, no para resolverlo todo de una sola vez.
""",
        {
            "high": "Un buen momento de su semana",
            "low": "Un momento difícil de su semana",
            "appreciation": "Algo que hizo su pareja y que usted agradeció",
            "request": "Un pedido para la semana que viene",
        },
    ),
    "appreciation-log": spanish(
        "Registro de aprecio y gratitud",
        "Fíjese en algo que hizo su pareja y que usted agradece, y dígaselo.",
        """\
Los gestos amables de todos los días se vuelven invisibles cuando se hacen
costumbre. Cada vez que toque este ejercicio, anote una cosa que hizo su
pareja, por sencilla que sea: llevar a los niños a la escuela, un mensaje en
medio de un día largo, la paciencia en una mala noche.

Escriba por qué fue importante para usted y, si puede, dígaselo también a su
pareja, en persona o en una nota. Su pareja puede leer lo que escriba aquí.
""",
        {
            "what_they_did": "¿Qué hizo su pareja?",
            "why_it_mattered": "¿Por qué fue importante para usted?",
            "told_them": "¿Le dio las gracias por ello?",
        },
    ),
    "turning-toward": spanish(
        "Responder a las invitaciones a conectar",
        "Fíjese en las pequeñas invitaciones a conectar y en cómo se respondió a cada una.",
        """\
A lo largo del día, cada miembro de la pareja busca la atención del otro con
gestos pequeños: un comentario sobre una noticia, un suspiro, una mano en el
hombro, *"ven a ver esto"*. Cada una de esas invitaciones puede recibir tres
respuestas:

- **acercarse**: notarla y responder, aunque sea con poco;
- **alejarse**: pasarla por alto o ignorarla, muchas veces sin querer;
- **ir en contra**: contestar con fastidio o con un comentario hiriente.

Registre una invitación, ya sea una que hizo usted o una de su pareja que
usted notó. Describa con honestidad cómo se respondió: se trata de darse
cuenta, no de llevar la cuenta.
""",
        {
            "who": ("¿De quién fue la invitación?", {"mine": "Mía", "partner": "De mi pareja"}),
            "bid": "¿En qué consistió la invitación?",
            "answer": (
                "¿Cómo se respondió?",
                {"toward": "Con un acercamiento", "away": "Con un alejamiento", "against": "En contra"},
            ),
            "connected": ("¿Cuánta conexión sintió después de ese momento?", "Ninguna", "Mucha"),
            "next_time": "Si hubo alejamiento o una respuesta en contra, ¿qué se podría intentar la próxima vez?",
        },
    ),
    "vulnerability-ladder": spanish(
        "La escalera de la vulnerabilidad",
        "Comparta algo personal peldaño a peldaño, empezando donde le resulte llevadero.",
        """\
La apertura crece por etapas, y la confianza avanza a su lado. Empiece por el
peldaño más bajo que le resulte llevadero, y suba solo cuando el paso
anterior le haya dado seguridad.

1. Elija un peldaño.
2. Cuénteselo a su pareja en un momento en que ninguno de los dos tenga prisa.
3. Quien escucha agradece lo compartido y responde con cuidado: sin intentar
   arreglar nada y sin juzgar.
4. Cambien de papel.

Los peldaños, del más liviano al más hondo: un recuerdo de la infancia; algo
que le ha preocupado últimamente; una esperanza para los próximos años; un
temor sobre usted o sobre la relación; algo que casi nunca le cuenta a nadie.

No hace falta anotar lo que dijo; bastan unas pocas palabras.
""",
        {
            "rung": (
                "¿Desde qué peldaño compartió?",
                {
                    "childhood_memory": "1. Un recuerdo de la infancia",
                    "recent_worry": "2. Una preocupación reciente",
                    "hope": "3. Una esperanza para los próximos años",
                    "fear": "4. Un temor sobre mí o sobre nosotros",
                    "rarely_told": "5. Algo que casi nunca le cuento a nadie",
                },
            ),
            "shared_note": "Unas palabras sobre lo que compartió",
            "felt_safe": ("¿Cuánta seguridad sintió al compartirlo?", "Ninguna", "Mucha"),
            "partner_response": "¿Qué hizo su pareja que le ayudó, o que no le ayudó?",
            "next_rung": "¿Tiene ganas de intentar el peldaño siguiente la próxima vez?",
        },
    ),
    "what-blocks-closeness": spanish(
        "Lo que frena la cercanía",
        "Una mirada privada a los hábitos propios que alejan la cercanía, y uno en el que trabajar.",
        """\
Muchas personas, sin darse cuenta, siguen haciendo cosas que dificultan la
cercanía aunque desean más de ella. Esta página trata de sus propios hábitos,
no de los de su pareja.

Marque los que reconozca en usted durante las últimas semanas. Casi todo el
mundo marca varios; es algo común, y es un punto de partida, no un juicio.
Luego escriba lo que observa y elija un hábito en el que trabajar.

Esta página solo la ve su consejero o consejera.
""",
        {
            "habits": (
                "¿Cuáles de estas cosas se ha sorprendido haciendo últimamente?",
                {
                    "feelings_as_leverage": "Expresar quejas o sentimientos sobre todo para que mi pareja cambie",
                    "pressing_needs": "Insistir en tener relaciones sexuales, o esperar que mi pareja cubra todas "
                    "mis necesidades",
                    "blaming": "Hacer responsable a mi pareja de mi propia conducta",
                    "unasked_advice": "Dar consejos que nadie me pidió, o analizar a mi pareja",
                    "criticising": "Criticar o juzgar a mi pareja",
                    "talk_now": "Exigir que hablemos ya mismo, antes de que mi pareja esté lista",
                    "silence_threats": "Amenazar con dejar de hablar si no se hace lo que yo quiero",
                    "explosive": "Estallar, o reaccionar de maneras que mi pareja no puede prever",
                    "escaping": "Refugiarme en el trabajo, los pasatiempos, alguna sustancia, los hijos u otra "
                    "persona para esquivar el conflicto",
                    "false_agreement": "Decir que sí en voz alta y después hacer, callado, lo que yo quería",
                    "tuned_out": "Estar en la misma habitación sin estar realmente presente",
                    "overgiving": "Dejar de lado mis propias metas y necesidades para estar disponible para "
                    "todos los demás",
                },
            ),
            "reflection": "¿Qué observa sobre los momentos en que aparecen?",
            "focus": "Un hábito en el que quiere trabajar, y un primer paso pequeño",
        },
    ),
    "emotional-availability": spanish(
        "Señales de disponibilidad emocional",
        "Evalúese en ocho hábitos que permiten que su pareja se abra con confianza.",
        """\
Estar disponible emocionalmente significa que su pareja puede acercarle lo
que le pasa por dentro y contar con que usted lo recibirá con respeto. Para
cada afirmación, indique con qué frecuencia ha sido cierta en su caso
últimamente, de 1 (casi nunca) a 5 (casi siempre).

Busque la honestidad antes que la indulgencia o la dureza: esto muestra dónde
está hoy, y no es una calificación.
""",
        {
            "owns_self": (
                "Me hago cargo de mis pensamientos, sentimientos y actos en lugar de atribuírselos a otros.",
                *CASI_NUNCA_SIEMPRE,
            ),
            "open_to_views": ("Puedo escuchar una opinión distinta de la mía sin juzgarla.", *CASI_NUNCA_SIEMPRE),
            "growing": ("Me esfuerzo por conocerme mejor y por crecer.", *CASI_NUNCA_SIEMPRE),
            "self_soothes": (
                "Noto mis propias emociones y puedo calmarme cuando algo me altera.",
                *CASI_NUNCA_SIEMPRE,
            ),
            "witnesses": (
                "Puedo acompañar los sentimientos de mi pareja sin apresurarme a solucionarlos.",
                *CASI_NUNCA_SIEMPRE,
            ),
            "apologises": ("Cuando me equivoco, pido disculpas y lo digo en serio.", *CASI_NUNCA_SIEMPRE),
            "follows_through": ("Mi pareja puede contar con que cumplo lo que digo.", *CASI_NUNCA_SIEMPRE),
            "curious": ("Llevo curiosidad y respeto a nuestras conversaciones.", *CASI_NUNCA_SIEMPRE),
            "reflection": "¿En cuál de estas le gustaría crecer más, y por qué?",
        },
    ),
    "five-skills": spanish(
        "Cinco habilidades para la cercanía",
        "Reflexione sobre conocerse, valorarse, calmarse y mostrarse, y sobre mantener la curiosidad.",
        """\
Sentirse cerca tiene menos que ver con emociones intensas que con serenarse
lo suficiente para seguir descubriéndose el uno al otro, y eso empieza por
usted. Cinco habilidades ayudan:

1. **Conocerse**: notar lo que siente, necesita y desea, para tener algo que
   compartir.
2. **Valorarse**: su valor no sube ni baja según la aprobación de su pareja
   en un día cualquiera.
3. **Calmarse**: serenar su propio malestar antes de una conversación
   difícil, para que no sea la emoción la que hable.
4. **Mostrarse**: decir lo que piensa y siente sin necesitar que su pareja
   esté de acuerdo.
5. **Tener curiosidad**: preguntar y escuchar tanto como habla, sin dar por
   hecho que ya conoce la respuesta.

Escriba unas líneas sobre cada una a partir de la última semana y luego elija
una para practicar.
""",
        {
            "know": "Conocerse: algo que notó sobre sus propios sentimientos o necesidades",
            "value": "Valorarse: un momento en que sostuvo su propio valor, o en que le costó hacerlo",
            "soothe": "Calmarse: qué le ayudó a serenarse cuando algo le alteró",
            "share": "Mostrarse: algo sobre usted que le contó a su pareja",
            "curious": "Tener curiosidad: una pregunta que le hizo a su pareja, y lo que descubrió",
            "focus": (
                "¿Qué habilidad va a practicar ahora?",
                {
                    "know": "Conocerme",
                    "value": "Valorarme",
                    "soothe": "Calmarme",
                    "share": "Mostrarme",
                    "curious": "Tener curiosidad",
                },
            ),
        },
    ),
    "relationship-expectations": spanish(
        "Expectativas sobre la relación",
        "Ponga en palabras lo que espera de la relación y mírelo con honestidad.",
        """\
Las expectativas que nadie ha dicho en voz alta suelen terminar en
desilusión: cada uno mide la relación con una imagen que el otro nunca ha
visto. Ponga las suyas en palabras.

Escriba lo que espera de la relación en términos cotidianos: tiempo juntos,
ayuda en la casa, cariño, la manera de manejar los desacuerdos, la fe, el
dinero. Después revise cada una. ¿Quién tendría que cambiar para que se
cumpla? ¿Está ese cambio en sus manos? ¿Qué tan realista es? Las decisiones de
su pareja le corresponden a su pareja; a usted le corresponden su manera de
reaccionar y lo que pide.

Traiga lo que escriba a su próxima sesión.
""",
        {
            "expectations": "¿Qué espera de la relación?",
            "who_changes": "Para que esto ocurra, ¿qué tendría que cambiar, y a quién le toca ese cambio?",
            "in_my_hands": "¿Qué parte está en sus propias manos?",
            "realistic": (
                "En conjunto, ¿qué tan realistas le parecen sus expectativas?",
                "Nada realistas",
                "Muy realistas",
            ),
            "discuss": "¿Le gustaría conversarlas en la sesión?",
        },
    ),
    "empathy-and-validation": spanish(
        "Empatía y validación",
        "Practique mostrarle a su pareja que sus sentimientos tienen sentido, aunque usted lo vea de otra manera.",
        """\
Validar no es estar de acuerdo. Es decirle a su pareja: *desde donde lo
viviste, lo que sientes tiene sentido.*

Pídale a su pareja que le cuente algo que le resultó difícil hace poco
(empiece por algo que no tenga que ver con usted). Escuche y luego responda
con palabras que muestren que captó cómo lo vivió, por ejemplo:

- "Con razón terminaste sin energía después de eso."
- "Entiendo por qué eso te dolió."
- "Suena a mucho peso para cargarlo en soledad."

Por ahora, deje de lado los consejos, las comparaciones y el lado bueno de
las cosas. Luego cambien de papel y, al final, cada uno anota cómo le fue.
""",
        {
            "what_they_shared": "¿Sobre qué le habló su pareja?",
            "what_i_said": "¿Qué dijo usted para mostrar que había entendido?",
            "hardest": "¿Qué le resultó más difícil al guardarse los consejos o el desacuerdo?",
            "felt_understood": (
                "Cuando le tocó compartir, ¿cuánta comprensión sintió de parte de su pareja?",
                "Ninguna comprensión",
                "Una comprensión profunda",
            ),
        },
    ),
    "new-shared-experience": spanish(
        "Planear una experiencia nueva en pareja",
        "Elijan algo que ninguno de los dos haya hecho antes y pónganlo juntos en el calendario.",
        """\
Hacer algo nuevo juntos crea recuerdos frescos y les permite verse fuera de
sus papeles de siempre. Planéenlo entre los dos y envíen una sola respuesta
por la pareja; cualquiera de los dos puede enviarla, y ambos pueden editarla
hasta que su consejero o consejera la haya leído.

Algunas ideas: una clase (cocina, baile, cerámica), un sendero o un barrio
que nunca hayan recorrido, un pasatiempo para compartir, como la jardinería o
la pintura. Elijan algo que a los dos les despierte al menos un poco de
curiosidad, fijen una fecha y acuerden un primer paso. Cuando haya sucedido,
vuelvan aquí y cuenten cómo les fue.
""",
        {
            "idea": (
                "¿Qué tipo de experiencia?",
                {
                    "class": "Una clase o un taller",
                    "outdoors": "Un lugar nuevo al aire libre",
                    "hobby": "Un pasatiempo para compartir",
                    "other": "Otra cosa",
                },
            ),
            "plan": "¿Qué harán exactamente?",
            "planned_for": "¿Cuándo?",
            "first_step": "El primer paso, y quién lo da",
            "budget": "Presupuesto aproximado en dólares, si lo hay",
            "how_it_went": "Después: ¿cómo les fue?",
        },
    ),
    "keeping-promises": spanish(
        "Cumplir lo prometido",
        "Haga una promesa pequeña para la semana, cúmplala y repare si falla.",
        """\
La confianza crece menos con los grandes gestos que con las promesas
pequeñas que se cumplen, semana tras semana. Prométale a su pareja algo
concreto y modesto para la próxima semana: llegar a casa a las seis el
jueves, pedir la cita con el dentista, dejar los teléfonos a un lado durante
la cena.

Al final de la semana, anote si lo cumplió. Si no, cuente qué se lo impidió y
cómo se lo reconoció a su pareja. Una falla reconocida con honestidad también
puede construir confianza.
""",
        {
            "promise": "¿Qué prometió?",
            "kept": ("¿Lo cumplió?", {"yes": "Sí", "partly": "En parte", "no": "No"}),
            "obstacle": "¿Qué se lo impidió, si hubo algo?",
            "repair": "Si no lo cumplió, ¿cómo se lo reconoció a su pareja?",
            "confidence": (
                "¿Cuánta confianza tiene en cumplir la promesa de la semana próxima?",
                "Poca",
                "Mucha",
            ),
        },
    ),
}
for _entry in BUILTIN_TEMPLATES:
    _entry["translations"] = _SPANISH[_entry["slug"]]

# The intake packet's questionnaires are built-ins too (exercises/builtin_intake.py).
BUILTIN_TEMPLATES += INTAKE_TEMPLATES

# The columns install_builtin_templates keeps in step with the list above.
_SYNCED = (
    "title",
    "summary",
    "instructions",
    "category",
    "estimated_minutes",
    "completion_mode",
    "visibility",
    "kind",
    "fields",
)


def _wanted(entry: dict[str, Any], *, with_languages: bool) -> dict[str, Any]:
    values = {name: entry[name] for name in _SYNCED}
    values["fields"] = clean_field_specs(entry["fields"])
    values["instructions"] = entry["instructions"].strip()
    values.update(is_builtin=True, is_archived=False)
    if with_languages:  # not in the migrations before exercises 0005
        values["language"] = "en"
        values["translations"] = clean_translations(
            entry.get("translations", {}), language="en", fields=values["fields"]
        )
    return values


def install_builtin_templates(template_model: type[Any] | None = None) -> dict[str, int]:
    """Create or update each built-in by slug; archive built-ins no longer in
    the list (they may still be assigned). Rows already current are not
    saved again, so running twice changes nothing. ``template_model`` is the
    migration's historical model when called from a migration."""
    if template_model is None:
        from exercises.models import ExerciseTemplate

        template_model = ExerciseTemplate
    manager = template_model._default_manager
    with_languages = any(field.name == "translations" for field in template_model._meta.get_fields())
    existing = {template.slug: template for template in manager.filter(owner__isnull=True)}
    counts = {"created": 0, "updated": 0, "archived": 0}
    for entry in BUILTIN_TEMPLATES:
        wanted = _wanted(entry, with_languages=with_languages)
        current = existing.get(entry["slug"])
        if current is None:
            manager.create(slug=entry["slug"], owner=None, **wanted)
            counts["created"] += 1
        elif any(getattr(current, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(current, name, value)
            current.save()
            counts["updated"] += 1
    listed = {entry["slug"] for entry in BUILTIN_TEMPLATES}
    counts["archived"] = (
        manager.filter(owner__isnull=True, is_archived=False).exclude(slug__in=listed).update(is_archived=True)
    )
    return counts

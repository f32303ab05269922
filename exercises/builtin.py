"""The built-in exercise library, and the function that installs it.

The texts are the practice's own wording of ideas common in couples work on
emotional intimacy (listening, "I" statements, rituals, bids for connection,
gradual vulnerability, emotional availability, expectations, trust).

``install_builtin_templates`` upserts them by slug. The data migration calls
it, and so does load_demo, so editing this list and running either keeps the
database current. A run that finds nothing to change writes nothing.
"""

from __future__ import annotations

from typing import Any

from exercises.builtin_intake import INTAKE_TEMPLATES
from exercises.fields import FieldSpec, clean_field_specs

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


def _wanted(entry: dict[str, Any]) -> dict[str, Any]:
    values = {name: entry[name] for name in _SYNCED}
    values["fields"] = clean_field_specs(entry["fields"])
    values["instructions"] = entry["instructions"].strip()
    values.update(is_builtin=True, is_archived=False)
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
    existing = {template.slug: template for template in manager.filter(owner__isnull=True)}
    counts = {"created": 0, "updated": 0, "archived": 0}
    for entry in BUILTIN_TEMPLATES:
        wanted = _wanted(entry)
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

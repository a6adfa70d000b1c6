"""Original demo articles for `load_demo_content`: who writes them, the index, and each article's details.

The article texts live in blog/demo_articles/*.txt, written as the clinician's old site would
paste, and go through the same reader as `import_article`.
"""

AUTHOR = {
    "name": "Dr. Meaghan",
    "credentials": "PhD, Licensed Psychologist",
    "bio": (
        "Dr. Meaghan helps adults, couples and teens in Denver and across Colorado feel steadier and more "
        "connected. She writes about belonging, boundaries, anxiety, grief and the everyday work of being human."
    ),
}

INDEX = {
    "title": "Articles",
    "intro": "Gentle, practical reading on connection, stress, grief and growth, written by Dr. Meaghan.",
    "search_description": "Articles by Dr. Meaghan on belonging, boundaries, anxiety, grief, couples and burnout.",
}

ARTICLES = [
    {
        "slug": "power-of-belonging",
        "summary": (
            "Loneliness can hide inside a busy life. How emotional isolation shows up, what keeps us apart, and h"
            "ow therapy helps rebuild connection one small step at a time."
        ),
        "days_ago": 6,
        "reviewed_days_ago": 2,
        "tags": ["belonging", "loneliness", "relationships"],
        "image_title": "Two hills leaning together",
        "image_description": "Abstract gradient of apricot and sage with two soft hills leaning toward each other",
        "colors": ["#f8e3cf", "#e9bf9b", "#a9bfa5"],
        "quote": "Connection is rebuilt in small, repeatable moments rather than grand gestures.",
        "callout": (
            "<p>If loneliness has turned into thoughts of not wanting to be here, please call or text "
            "<b>988</b> any time, day or night.</p>"
        ),
    },
    {
        "slug": "boundaries-without-guilt",
        "summary": (
            "Why saying no feels so hard for kind people, the signs a boundary is overdue, and gentle ways to pra"
            "ctice boundaries that protect your energy and your relationships."
        ),
        "days_ago": 20,
        "tags": ["boundaries", "relationships", "self-care"],
        "image_title": "A calm shoreline",
        "image_description": "Abstract gradient of pale sky blue meeting warm sand along a soft curved line",
        "colors": ["#dbe8ee", "#b9cfd6", "#e6d2b5"],
        "quote": "A boundary is information, not a punishment.",
    },
    {
        "slug": "quieting-anxious-mind",
        "summary": (
            "Anxiety is the mind trying to keep you safe. Everyday tools to turn the volume down, and how to know"
            " when it is time to reach out for support."
        ),
        "days_ago": 37,
        "tags": ["anxiety", "self-care"],
        "image_title": "Mist over still water",
        "image_description": "Abstract gradient of misty lavender and grey-blue with low soft shapes like calm water",
        "colors": ["#e6e2ef", "#c4c6dc", "#9fb2c4"],
    },
    {
        "slug": "making-room-for-grief",
        "summary": (
            "There is no timetable for grief. What mourning can feel like, how to care for yourself through it, a"
            "nd when grief therapy can help you carry a loss."
        ),
        "days_ago": 55,
        "tags": ["grief", "loss"],
        "image_title": "Evening light",
        "image_description": "Abstract gradient of dusky rose fading into deep plum with gentle rounded hills",
        "colors": ["#f1d6d3", "#c99aa3", "#7d6477"],
        "quote": "Grief is love with nowhere to go.",
    },
    {
        "slug": "couples-finding-way-back",
        "summary": (
            "Most couples drift rather than break. The patterns that widen the gap, small ways to turn toward eac"
            "h other, and what couples therapy offers."
        ),
        "days_ago": 74,
        "tags": ["couples", "relationships"],
        "image_title": "Two paths meeting",
        "image_description": "Abstract gradient of gold and terracotta with two curved shapes meeting in the middle",
        "colors": ["#f6e7c8", "#e3b98f", "#c0846a"],
    },
    {
        "slug": "burnout-is-not-a-personal-failure",
        "summary": (
            "Burnout is what happens when demands outrun resources for too long. The three signs, and practical s"
            "teps toward recovery."
        ),
        "days_ago": 96,
        "tags": ["burnout", "work", "self-care"],
        "image_title": "A quiet ember",
        "image_description": "Abstract gradient of warm charcoal rising into amber, like the glow of a resting fire",
        "colors": ["#f3dcc0", "#d69c6b", "#6f5a4f"],
    },
    {
        "slug": "supporting-anxious-teen",
        "summary": (
            "How anxiety shows up in teenagers, what parents can do to help, and when it is time to find support "
            "for your teen and your family."
        ),
        "days_ago": 118,
        "tags": ["teens", "parenting", "anxiety"],
        "image_title": "Morning meadow",
        "image_description": "Abstract gradient of fresh mint and pale yellow with rolling green hills",
        "colors": ["#f4f1d0", "#cfe0bf", "#8fb39a"],
    },
    {
        "slug": "practicing-self-compassion",
        "summary": (
            "Kindness toward yourself helps you learn, recover and try again. The three parts of self-compassion "
            "and simple practices to quiet a harsh inner critic."
        ),
        "days_ago": 141,
        "tags": ["self-compassion", "self-care"],
        "image_title": "Soft blush sky",
        "image_description": "Abstract gradient of blush pink and cream with gentle overlapping curves",
        "colors": ["#fbe9e2", "#f0c9c0", "#d9a7a0"],
        "quote": "Speak to yourself the way you would speak to a friend you love.",
    },
    {
        "slug": "seasons-of-change",
        "summary": (
            "Even changes we choose can shake our sense of who we are. Why transitions are hard and small ways to"
            " find steady ground in the in-between."
        ),
        "days_ago": 165,
        "tags": ["life transitions", "belonging"],
        "image_title": "Autumn hills",
        "image_description": "Abstract gradient of ochre, rust and olive with layered soft hills",
        "colors": ["#f2e0bd", "#d7a36a", "#8a8a5a"],
    },
]

"""Story maps: an analyst's narrative in chapters, each with a map view of the platform's own figures.

A story is an ordered list of chapters; each chapter has Markdown text (sanitised on display) and a map view:
a layer (the rate choropleth or the Gi* hot spots, with the same filters as the insights pages), an extent, and
optional highlighted areas and Step Together routes. Readers scroll and the map follows (``story-map.js``);
without JavaScript each chapter describes its view in words and links to the figures. A story is a draft, or
published to partners or to the public; each layer is fetched from the insights endpoints with the reader's own
rights, so a story can never show more than the reader may see on the insights pages.

Modules, one concept each: ``models`` (state), ``text`` (Markdown to safe HTML), ``mapview`` (what a chapter's
map shows: layer address, extent, description), ``layers`` (a layer's values as a given reader gets them),
``publishing`` (who reads what, and what a public story may show), ``services`` (every write), ``svg`` and
``export`` (the self-contained HTML file), ``forms``, ``views`` and ``urls``.
"""

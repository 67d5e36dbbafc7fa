"""Corpus design (语料设计): choose, from a pool of candidate sentences, the prompts a speaker
records so that they cover as many phones, diphones and tonal syllables as possible while
staying readable. Pure logic over :mod:`datamill.modalities.speech.phones`; no tables.

The service is :func:`datamill.corpus.design.design_corpus`; the faces are ``datamill corpus
select``, ``POST /api/v1/corpus/select`` and the web page ``/corpus``.
"""

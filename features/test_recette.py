"""Collects every scenario of this folder: the features are the campaign, not this file."""

from pytest_bdd import scenarios

scenarios(".")

"""Sentence and article records as typed Arrow tables, and back: the layout of Parquet outputs and engine batches.

A record (what ``attribution score`` writes to JSONL) becomes one row of flat, typed columns: offsets are
``int64``; ``probs`` and ``counts`` are structs with one field per label; the article's ``profile`` is a struct
(its named sources a list of structs), ``cleaning`` a struct whose ``by_rule`` is a map from rule to count and
whose ``removed`` spans are a list of structs; ``warnings`` is a list of strings and ``repairs`` a list of structs.
An error article's empty ``profile`` and ``cleaning`` are nulls.

``metadata`` differs from input to input, so it has two forms: ``"struct"`` (Parquet files), a struct whose
fields are the metadata keys, each value keeping its type (an ``int`` stays an integer); or ``"json"`` (engine
batches, whose schema must not change from batch to batch), the metadata as a JSON object string.

Engines that have no map type (``datasets``) take ``maps=False``: ``by_rule`` is then a list of
``{"key", "value"}`` structs, the physical layout of an Arrow map. :func:`records_from_table` reads every one of
these layouts, and the old one of JSON strings in string columns, back into the records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from attribution.labels import LABELS

#: How ``metadata`` is stored: a struct keeping each value's type (Parquet), or a JSON object string (engines).
METADATA_FORMS = ("struct", "json")
#: The record kinds, as ``BatchScorer(output=...)`` and the Ray engine name them.
KINDS = ("sentences", "articles")


def _pa():
    import pyarrow as pa

    return pa


def _label_struct(value_type) -> Any:
    pa = _pa()
    return pa.struct([pa.field(label, value_type) for label in LABELS])


def sentence_schema():
    """The schema of sentence records (fixed: every batch, every file)."""
    pa = _pa()
    i, s = pa.int64(), pa.string()
    return pa.schema([
        ("doc_id", s), ("sent_idx", i), ("start", i), ("end", i), ("text", s), ("label", s),
        ("probs", _label_struct(pa.float64())),
        ("source", s), ("source_start", i), ("source_end", i), ("source_type", s),
        ("cue", s), ("cue_start", i), ("cue_end", i),
    ])


def _profile_type():
    pa = _pa()
    named = pa.struct([("source", pa.string()), ("mentions", pa.list_(pa.string())), ("sentences", pa.int64())])
    return pa.struct([
        ("sentences", pa.int64()), ("counts", _label_struct(pa.int64())), ("shares", _label_struct(pa.float64())),
        ("named_sources", pa.list_(named)), ("anonymous_mentions", pa.list_(pa.string())),
        ("hearsay_share", pa.float64()), ("removed_by_cleaning", pa.int64()),
    ])


def _cleaning_type(maps: bool):
    pa = _pa()
    by_rule = (pa.map_(pa.string(), pa.int64()) if maps
               else pa.list_(pa.struct([("key", pa.string()), ("value", pa.int64())])))
    removed = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("rule", pa.string()), ("reason", pa.string()),
                         ("text", pa.string())])
    return pa.struct([("removed_count", pa.int64()), ("removed_chars", pa.int64()), ("by_rule", by_rule),
                      ("removed", pa.list_(removed))])


def _repair_type():
    pa = _pa()
    return pa.struct([("orig_start", pa.int64()), ("orig_end", pa.int64()), ("start", pa.int64()),
                      ("end", pa.int64()), ("before", pa.string()), ("after", pa.string())])


def article_schema(metadata_type=None, *, maps: bool = True):
    """The schema of article records; ``metadata_type`` is the metadata struct (default: a JSON string)."""
    pa = _pa()
    s = pa.string()
    return pa.schema([
        ("doc_id", s), ("status", s), ("error", s), ("n_sentences", pa.int64()),
        ("counts", _label_struct(pa.int64())), ("profile", _profile_type()), ("cleaning", _cleaning_type(maps)),
        ("warnings", pa.list_(s)), ("repairs", pa.list_(_repair_type())),
        ("metadata", metadata_type if metadata_type is not None else s),
    ])


def _check_keys(record: Mapping[str, Any], schema, kind: str) -> None:
    extra = [key for key in record if schema.get_field_index(key) < 0]
    if extra:
        raise ValueError(f"{kind} record has fields the typed layout lacks: {', '.join(map(str, extra))}")


def _metadata_type(metadatas: list[dict[str, Any]]):
    """The struct type of a column of metadata dicts: every key seen, each with the type of its values (values of
    mixed types that Arrow cannot unify, such as a number in one row and a text in another, become strings)."""
    pa = _pa()
    keys: dict[str, None] = {}
    for metadata in metadatas:
        keys.update(dict.fromkeys(metadata))
    fields = []
    for key in keys:
        values = [metadata.get(key) for metadata in metadatas]
        try:
            value_type = pa.array(values).type
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            value_type = pa.string()
        fields.append(pa.field(key, pa.string() if pa.types.is_null(value_type) else value_type))
    return pa.struct(fields)


def _as_text(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _fitted(metadata: Mapping[str, Any], metadata_type) -> dict[str, Any] | None:
    """A row's metadata as a value of ``metadata_type`` (every field; string fields take other values as JSON);
    ``None`` when the struct has no field (Parquet cannot store an empty struct: the column is then null-typed)."""
    pa = _pa()
    if not metadata_type.num_fields:
        return None
    return {field.name: (_as_text(metadata.get(field.name)) if field.type == pa.string() else metadata.get(field.name))
            for field in metadata_type}


def records_table(records: Iterable[Mapping[str, Any]], kind: str, *, metadata: str = "struct", maps: bool = True):
    """An Arrow table of ``records`` of ``kind`` (``"sentences"`` or ``"articles"``) in the typed layout.

    A field the layout does not know is refused (``ValueError``), so nothing is silently dropped.
    """
    pa = _pa()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if metadata not in METADATA_FORMS:
        raise ValueError(f"metadata must be one of {', '.join(METADATA_FORMS)}, not {metadata!r}")
    records = list(records)
    if kind == "sentences":
        schema = sentence_schema()
        for record in records:
            _check_keys(record, schema, "sentence")
        return pa.Table.from_pylist(records, schema=schema)
    rows = []
    for record in records:
        row = dict(record)
        for key in ("profile", "cleaning"):
            row[key] = row.get(key) or None  # an error article's {} is a null, not a struct of nulls
        cleaning = row.get("cleaning")
        if cleaning is not None and not maps:
            row["cleaning"] = {**cleaning, "by_rule": [{"key": k, "value": v}
                                                       for k, v in (cleaning.get("by_rule") or {}).items()]}
        elif cleaning is not None:
            row["cleaning"] = {**cleaning, "by_rule": list((cleaning.get("by_rule") or {}).items())}
        rows.append(row)
    metadatas = [dict(row.get("metadata") or {}) for row in rows]
    if metadata == "json":
        schema = article_schema(None, maps=maps)
        for row, meta in zip(rows, metadatas, strict=True):
            row["metadata"] = json.dumps(meta, ensure_ascii=False)
    else:
        metadata_type = _metadata_type(metadatas)
        for row, meta in zip(rows, metadatas, strict=True):
            row["metadata"] = _fitted(meta, metadata_type)
        schema = article_schema(metadata_type if metadata_type.num_fields else pa.null(), maps=maps)
    for row in rows:
        _check_keys(row, schema, "article")
    return pa.Table.from_pylist(rows, schema=schema)


def unify_metadata(tables: list):
    """``tables`` of article rows (struct metadata of possibly different fields) cast to one schema, every metadata
    key of every table a field; a key whose types differ between tables becomes a string field."""
    pa = _pa()
    if not tables:
        return tables
    fields: dict[str, Any] = {}
    for table in tables:
        table_type = table.schema.field("metadata").type
        for field in (table_type if pa.types.is_struct(table_type) else ()):
            seen = fields.get(field.name)
            if seen is None or pa.types.is_null(seen):
                fields[field.name] = field.type
            elif seen != field.type and not pa.types.is_null(field.type):
                try:
                    fields[field.name] = pa.unify_schemas([pa.schema([("v", seen)]), pa.schema([("v", field.type)])],
                                                          promote_options="permissive").field("v").type
                except (pa.ArrowInvalid, pa.ArrowTypeError, NotImplementedError):
                    fields[field.name] = pa.string()
    metadata_type = pa.struct([pa.field(name, value_type) for name, value_type in fields.items()])
    maps = pa.types.is_map(tables[0].schema.field("cleaning").type.field("by_rule").type)
    schema = article_schema(metadata_type if metadata_type.num_fields else pa.null(), maps=maps)
    unified = []
    for table in tables:
        if table.schema.equals(schema):
            unified.append(table)
            continue
        rows = table.to_pylist(maps_as_pydicts="strict")
        for row in rows:
            row["metadata"] = _fitted(row["metadata"] or {}, metadata_type)
            if row["cleaning"] is not None and maps:
                row["cleaning"]["by_rule"] = list((row["cleaning"]["by_rule"] or {}).items())
        unified.append(pa.Table.from_pylist(rows, schema=schema))
    return unified


#: Fields held as JSON strings by the old Parquet layout (and by CSV), read back into dicts and lists.
_JSON_FIELDS = ("probs", "counts", "profile", "cleaning", "warnings", "repairs", "metadata")
#: Old-layout flat columns the records do not have (CSV and the old Parquet wrote one per label).
_FLAT_PROBS = tuple(f"prob_{label}" for label in LABELS)


def record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A record from a row of any layout (typed Arrow, engine batches, the old JSON strings in Parquet)."""
    record = {key: value for key, value in row.items() if key not in _FLAT_PROBS or "probs" not in row}
    for key in _JSON_FIELDS:
        value = record.get(key)
        if isinstance(value, str):
            try:
                record[key] = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError:
                pass  # not JSON: left as it was, for the reader to report
    if "status" in record:  # an article record
        for key in ("profile", "cleaning", "metadata"):
            if key in record and record[key] is None:
                record[key] = {}
        cleaning = record.get("cleaning")
        by_rule = cleaning.get("by_rule") if isinstance(cleaning, dict) else None
        if isinstance(by_rule, list):  # map entries: {"key", "value"} structs, or (key, value) pairs
            cleaning["by_rule"] = dict((item["key"], item["value"]) if isinstance(item, dict) else tuple(item)
                                       for item in by_rule)
        metadata = record.get("metadata")
        if isinstance(metadata, dict):  # a struct has every key of the file; a row's own keys are those it set
            record["metadata"] = {key: value for key, value in metadata.items() if value is not None}
    return record


def records_from_table(table) -> list[dict[str, Any]]:
    """The records of an Arrow table (or record batch) of any layout: see :func:`record_from_row`."""
    return [record_from_row(row) for row in table.to_pylist(maps_as_pydicts="strict")]

"""Reading and writing a lesson's Yjs document in Postgres (sync code: call it in the school's schema)."""

from django.conf import settings
from django.db import connection, transaction
from pycrdt import Doc

from classroom.whiteboard import schema
from classroom.whiteboard.models import Board, BoardUpdate

# Fold the update rows into the compacted state once there are this many.
COMPACT_AFTER = 500


def board_for(lesson_id: int) -> Board:
    board, _created = Board.objects.get_or_create(lesson_id=lesson_id)
    return board


def load_updates(lesson_id: int) -> list[bytes]:
    """The document as a list of updates to apply in order: the compacted state, then newer rows."""
    board = Board.objects.filter(lesson_id=lesson_id).only("id", "state", "compacted_through").first()
    if board is None:
        return []
    parts = [bytes(board.state)] if board.state else []
    # Every row still there: compaction deletes exactly the rows it folded in, so a row whose insert
    # committed late (a lower id than rows already folded) is still read, never skipped.
    rows = BoardUpdate.objects.filter(board_id=board.pk).order_by("pk")
    parts.extend(bytes(data) for data in rows.values_list("data", flat=True))
    return parts


def load_doc(lesson_id: int) -> Doc:
    doc = Doc()
    for update in load_updates(lesson_id):
        doc.apply_update(update)
    return doc


def document_state(lesson_id: int) -> bytes:
    """The whole document as one Yjs update (for the read-only board and for reopening it)."""
    return load_doc(lesson_id).get_update()


def append(lesson_id: int, update: bytes, author_id: int | None) -> int:
    """Persist one accepted update; returns how many rows wait for compaction."""
    board = board_for(lesson_id)
    row = BoardUpdate.objects.create(board=board, data=update, author_id=author_id)
    return row.pk - board.compacted_through


def append_to(board_id: int, update: bytes, author_id: int | None) -> int:
    """`append` for a board whose id the caller knows: one statement; returns the new row's id.

    The row is committed (visible to every reader) before the caller relays the update. By default the
    commit does not wait for the WAL flush (`synchronous_commit` off for this one statement's own
    transaction): a flush cost 4-14 ms a stroke here. Only a crash of Postgres itself could drop the last
    moments (at most ~3x wal_writer_delay), and the browsers still hold those strokes and send them again
    on reconnecting. WHITEBOARD_DURABLE_COMMIT = True waits for the flush.
    """
    table = connection.ops.quote_name(BoardUpdate._meta.db_table)
    if getattr(settings, "WHITEBOARD_DURABLE_COMMIT", False):
        sql = f"INSERT INTO {table} (board_id, data, author_id, created_at) VALUES (%s, %s, %s, now()) RETURNING id"
    else:
        # In autocommit one statement is one transaction, so a transaction-local setting made inside it
        # applies to its commit: no BEGIN/SET/COMMIT round trips.
        sql = (
            "WITH unflushed AS (SELECT set_config('synchronous_commit', 'off', true)) "
            f"INSERT INTO {table} (board_id, data, author_id, created_at) "
            "SELECT %s, %s, %s, now() FROM unflushed RETURNING id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [board_id, update, author_id])
        return cursor.fetchone()[0]


def board_mark(lesson_id: int) -> tuple[int, int]:
    """(board id, last compacted row id) of the lesson's board, made on first use."""
    board = board_for(lesson_id)
    return board.pk, board.compacted_through


def compact(lesson_id: int) -> None:
    """Fold every persisted update into `Board.state` and delete the folded rows, in one transaction.

    Works from the database alone (not a process's copy in memory), so an update another process
    persisted a moment ago is folded in or stays as a row, never lost. The row lock serialises two
    compactions of one board.
    """
    with transaction.atomic():
        # Lock the rows before the board, in the order a cascade delete of the lesson takes them
        # (updates, then the board), so a compaction and a deletion never wait on each other in a circle.
        rows = list(
            BoardUpdate.objects.select_for_update(of=("self",))
            .filter(board__lesson_id=lesson_id)
            .order_by("pk")
            .values_list("pk", "data")
        )
        if not rows:
            return
        board = Board.objects.select_for_update().filter(lesson_id=lesson_id).first()
        if board is None:
            return
        doc = Doc()
        if board.state:
            doc.apply_update(bytes(board.state))
        for _pk, data in rows:
            doc.apply_update(bytes(data))
        board.state = doc.get_update()
        board.compacted_through = max(board.compacted_through, rows[-1][0])
        board.page_count, board.element_count = schema.counts(doc)
        board.save(update_fields=["state", "compacted_through", "page_count", "element_count", "updated_at"])
        BoardUpdate.objects.filter(pk__in=[pk for pk, _data in rows]).delete()

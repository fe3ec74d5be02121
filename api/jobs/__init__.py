"""Portfolio re-assessment jobs (POST /v1/portfolio:reassess).

    store.py     the jobs and their items in the database (both back ends)
    items.py     re-assessing one stored assessment: its change entry (advisor/impact.py's diff)
    run.py       the loop that records items batch by batch, exactly once, and finishes a job once
    inprocess.py the embedded SQLite default: a thread in the server that runs and resumes jobs
    pgqueue.py   PostgreSQL: procrastinate tasks and `advisor worker` (several hosts share the queue)
"""

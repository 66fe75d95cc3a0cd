-- wrk script: POST /tasks with a small JSON body; counts non-201 answers.
wrk.method = "POST"
wrk.path = "/tasks"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Benchmark task","description":"Created by wrk","dueDate":"2030-01-15T10:30:00Z"}'

local failed = 0
function response(status, headers, body)
  if status ~= 201 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("non-201 answers: %d (socket errors: connect %d, read %d, write %d, timeout %d)\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end

extension OpenAPIDocument {
    /// The document, as JSON: the contract of the API (OpenAPI 3.1). The tests validate it with
    /// openapi-spec-validator and check that it describes exactly the routes the API serves.
    public static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "JobCore control plane",
    "version": "1.0.0",
    "description": "Operate the jobs of a JobCore store over HTTP: the same operations and JSON shapes as `jobctl … --json`. See docs/http.md. Every operation but this document needs a Bearer access token with the scope it names in x-jobcore-scope (read < operate < admin).",
    "license": {
      "name": "Apache-2.0",
      "identifier": "Apache-2.0"
    }
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080"
    }
  ],
  "paths": {
    "/v1/jobs": {
      "post": {
        "operationId": "createJob",
        "summary": "Enqueue a command job (as jobctl enqueue)",
        "responses": {
          "201": {
            "description": "The job was created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              },
              "Location": {
                "description": "The job's URL.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "links": {
              "GetJob": {
                "operationId": "getJob",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "UpdateJob": {
                "operationId": "updateJob",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "PurgeJob": {
                "operationId": "purgeJob",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "CancelJob": {
                "operationId": "cancelJob",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "KillJob": {
                "operationId": "killJob",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "RetryJob": {
                "operationId": "retryJob",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "ListRuns": {
                "operationId": "listRuns",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "ListEvents": {
                "operationId": "listEvents",
                "parameters": {
                  "id": "$response.body#/id"
                }
              },
              "ReadLog": {
                "operationId": "readLog",
                "parameters": {
                  "id": "$response.body#/id"
                }
              }
            }
          },
          "200": {
            "description": "A job with this idempotency key already existed: it is returned, nothing is created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "413": {
            "$ref": "#/components/responses/413"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "oneOf": [
                  {
                    "$ref": "#/components/schemas/NewCommandJob"
                  },
                  {
                    "$ref": "#/components/schemas/NewJobOfKind"
                  }
                ]
              }
            }
          }
        },
        "x-jobcore-scope": "operate",
        "description": "Needs an access token with the scope operate (or above)."
      },
      "get": {
        "operationId": "listJobs",
        "summary": "List jobs with the filters of jobctl list, a page at a time",
        "responses": {
          "200": {
            "description": "A page of jobs.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "description": "Only jobs in these states (repeat the parameter or separate with commas).",
            "schema": {
              "type": "array",
              "items": {
                "$ref": "#/components/schemas/JobState"
              }
            },
            "style": "form",
            "explode": true
          },
          {
            "name": "key",
            "in": "query",
            "description": "Only jobs with this concurrency key.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "kind",
            "in": "query",
            "description": "Only jobs of this kind.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "queue",
            "in": "query",
            "description": "Only jobs of this queue.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "parent",
            "in": "query",
            "description": "Only the children of this job.",
            "schema": {
              "$ref": "#/components/schemas/JobID"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "description": "At most this many jobs (default 50).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The nextCursor of the previous page.",
            "schema": {
              "$ref": "#/components/schemas/JobID"
            }
          },
          {
            "name": "order",
            "in": "query",
            "description": "Newest first (default) or oldest first.",
            "schema": {
              "type": "string",
              "enum": [
                "newestFirst",
                "oldestFirst"
              ]
            }
          }
        ],
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      },
      "delete": {
        "operationId": "purgeJobsByState",
        "summary": "Purge every job in the given states (the states are required; there is no 'all')",
        "responses": {
          "200": {
            "description": "How many jobs were purged.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Purged"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "required": true,
            "description": "The states to purge (repeat the parameter or separate with commas).",
            "schema": {
              "type": "array",
              "items": {
                "$ref": "#/components/schemas/JobState"
              },
              "minItems": 1
            },
            "style": "form",
            "explode": true
          }
        ],
        "x-jobcore-scope": "admin",
        "description": "Needs an access token with the scope admin (or above)."
      }
    },
    "/v1/jobs/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "get": {
        "operationId": "getJob",
        "summary": "One job with its runs and children counts (as jobctl show --json)",
        "responses": {
          "200": {
            "description": "The job; ETag is its version.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      },
      "patch": {
        "operationId": "updateJob",
        "summary": "Reschedule a queued job (its runAt), if it is still at the version of If-Match",
        "responses": {
          "200": {
            "description": "The changed job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "412": {
            "$ref": "#/components/responses/412"
          },
          "413": {
            "$ref": "#/components/responses/413"
          },
          "428": {
            "$ref": "#/components/responses/428"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "If-Match",
            "in": "header",
            "required": true,
            "description": "The job's ETag, as GET returned it (or *).",
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/JobChange"
              }
            },
            "application/merge-patch+json": {
              "schema": {
                "$ref": "#/components/schemas/JobChange"
              }
            }
          }
        },
        "x-jobcore-scope": "operate",
        "description": "Needs an access token with the scope operate (or above)."
      },
      "delete": {
        "operationId": "purgeJob",
        "summary": "Purge a job with its runs, events and logs; a running job is cancelled first",
        "responses": {
          "200": {
            "description": "The job was purged.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Purged"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "admin",
        "description": "Needs an access token with the scope admin (or above)."
      }
    },
    "/v1/jobs/{id}/cancel": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "post": {
        "operationId": "cancelJob",
        "summary": "Cancel a job (as jobctl cancel): queued → cancelled; running → stopped by its worker, then cancelled",
        "responses": {
          "200": {
            "description": "The job, cancelled or with its cancel requested.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "reason",
            "in": "query",
            "description": "Why; recorded with the job and in its events (at most 500 characters).",
            "schema": {
              "type": "string",
              "maxLength": 500
            }
          }
        ],
        "x-jobcore-scope": "operate",
        "description": "Needs an access token with the scope operate (or above)."
      }
    },
    "/v1/jobs/{id}/kill": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "post": {
        "operationId": "killJob",
        "summary": "Stop a running job (as jobctl kill): SIGTERM, a grace period, SIGKILL; force=true: SIGKILL at once",
        "responses": {
          "200": {
            "description": "The job with its kill requested.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "force",
            "in": "query",
            "description": "SIGKILL at once, without a grace period.",
            "schema": {
              "type": "boolean"
            }
          }
        ],
        "x-jobcore-scope": "operate",
        "description": "Needs an access token with the scope operate (or above)."
      }
    },
    "/v1/jobs/{id}/retry": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "post": {
        "operationId": "retryJob",
        "summary": "Queue a finished job again with a fresh round of attempts (as jobctl retry)",
        "responses": {
          "200": {
            "description": "The job, queued again.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            },
            "headers": {
              "ETag": {
                "$ref": "#/components/headers/ETag"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "operate",
        "description": "Needs an access token with the scope operate (or above)."
      }
    },
    "/v1/jobs/{id}/runs": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "get": {
        "operationId": "listRuns",
        "summary": "The job's runs (attempts), oldest first",
        "responses": {
          "200": {
            "description": "The runs.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Run"
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/jobs/{id}/events": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "get": {
        "operationId": "listEvents",
        "summary": "The job's events after a sequence number, oldest first (as jobctl events --json)",
        "responses": {
          "200": {
            "description": "The events.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Event"
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "after",
            "in": "query",
            "description": "Only events after this sequence number (the last one a client has seen).",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 0
            }
          },
          {
            "name": "limit",
            "in": "query",
            "description": "At most this many events (default 10000).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 10000
            }
          }
        ],
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/jobs/{id}/logs": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "get": {
        "operationId": "readLog",
        "summary": "The job's output bytes (stdout and stderr interleaved) from an offset",
        "responses": {
          "200": {
            "description": "The bytes (all, or from offset).",
            "headers": {
              "Job-Log-Size": {
                "$ref": "#/components/headers/JobLogSize"
              },
              "Job-Log-Next-Offset": {
                "$ref": "#/components/headers/JobLogNextOffset"
              },
              "Job-Log-Truncated": {
                "$ref": "#/components/headers/JobLogTruncated"
              }
            },
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "contentMediaType": "application/octet-stream"
                }
              }
            }
          },
          "206": {
            "description": "The bytes of the Range.",
            "headers": {
              "Content-Range": {
                "description": "bytes START-END/SIZE",
                "schema": {
                  "type": "string"
                }
              },
              "Job-Log-Size": {
                "$ref": "#/components/headers/JobLogSize"
              },
              "Job-Log-Next-Offset": {
                "$ref": "#/components/headers/JobLogNextOffset"
              },
              "Job-Log-Truncated": {
                "$ref": "#/components/headers/JobLogTruncated"
              }
            },
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "contentMediaType": "application/octet-stream"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "416": {
            "$ref": "#/components/responses/416"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "Range",
            "in": "header",
            "description": "One byte range: bytes=START- or bytes=START-END.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "offset",
            "in": "query",
            "description": "Where to start reading (instead of Range).",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 2147483647
            }
          },
          {
            "name": "maxBytes",
            "in": "query",
            "description": "At most this many bytes (default and limit 1 MiB).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1048576
            }
          }
        ],
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/jobs/{id}/events/stream": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "get": {
        "operationId": "streamEvents",
        "summary": "The job's events as Server-Sent Events, live until the job ends",
        "responses": {
          "200": {
            "description": "A stream of messages: id (the event's sequence), event: event, data: the event (as in listEvents) on one line; once the job has ended and every event was sent, event: end with data {\"state\": …}, then the stream closes. Comments (: keep-alive) when idle.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "Last-Event-ID",
            "in": "header",
            "description": "The id of the last message a reconnecting client received: the stream resumes after it.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]+$"
            }
          },
          {
            "name": "after",
            "in": "query",
            "description": "Start after this event sequence number (a first connection; Last-Event-ID wins).",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 0
            }
          }
        ],
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/jobs/{id}/logs/stream": {
      "parameters": [
        {
          "$ref": "#/components/parameters/JobIDPath"
        }
      ],
      "get": {
        "operationId": "streamLog",
        "summary": "The job's output as Server-Sent Events, live until the job ends",
        "responses": {
          "200": {
            "description": "A stream of messages: id (the byte offset after the chunk), event: log, data: {\"offset\": START, \"text\": …} on one line; once the job has ended and every byte was sent, event: end with data {\"state\": …}, then the stream closes. Comments (: keep-alive) when idle.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "Last-Event-ID",
            "in": "header",
            "description": "The id of the last message a reconnecting client received: the stream resumes after it.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]+$"
            }
          },
          {
            "name": "offset",
            "in": "query",
            "description": "Start at this byte offset (a first connection; Last-Event-ID wins).",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 0
            }
          }
        ],
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/health": {
      "get": {
        "operationId": "health",
        "summary": "Counts by state and queue, running versus capacity, oldest ages and alerts (as jobctl health --json)",
        "responses": {
          "200": {
            "description": "The store's health.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "parameters": [
          {
            "name": "longRunningSeconds",
            "in": "query",
            "description": "Alert for jobs running longer than this (default 7200).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 604800
            }
          },
          {
            "name": "queueDepth",
            "in": "query",
            "description": "Alert when more jobs than this are due (default 1000).",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 2147483647
            }
          }
        ],
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/workers": {
      "get": {
        "operationId": "listWorkers",
        "summary": "The worker registry (as jobctl workers --json)",
        "responses": {
          "200": {
            "description": "The workers, by id (gone ones until they are removed).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/Worker"
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    },
    "/v1/workers/{id}/drain": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The worker id.",
          "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256
          }
        }
      ],
      "post": {
        "operationId": "drainWorker",
        "summary": "Ask a worker to stop claiming, finish its running jobs and exit (as jobctl workers drain)",
        "responses": {
          "200": {
            "description": "The worker, now draining.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Worker"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "409": {
            "$ref": "#/components/responses/409"
          },
          "503": {
            "$ref": "#/components/responses/503"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "operate",
        "description": "Needs an access token with the scope operate (or above). The worker learns at its next heartbeat."
      }
    },
    "/v1/workspaces/sweep": {
      "post": {
        "operationId": "sweepWorkspaces",
        "summary": "Remove workspaces left by processes that are gone (as jobctl workspace sweep --json)",
        "responses": {
          "200": {
            "description": "The workspaces removed.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "removed"
                  ],
                  "properties": {
                    "removed": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          }
        },
        "parameters": [
          {
            "name": "olderThanSeconds",
            "in": "query",
            "description": "Only workspaces older than this (default 3600).",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 31536000
            }
          }
        ],
        "x-jobcore-scope": "admin",
        "description": "Needs an access token with the scope admin. 404 when the server manages no workspaces."
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openAPIDocument",
        "summary": "This document",
        "responses": {
          "200": {
            "description": "The OpenAPI document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "The process's metrics in the Prometheus text format (0.0.4)",
        "responses": {
          "200": {
            "description": "The metrics.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/400"
          },
          "404": {
            "$ref": "#/components/responses/404"
          },
          "500": {
            "$ref": "#/components/responses/500"
          },
          "401": {
            "$ref": "#/components/responses/401"
          },
          "403": {
            "$ref": "#/components/responses/403"
          },
          "405": {
            "$ref": "#/components/responses/405"
          },
          "429": {
            "$ref": "#/components/responses/429"
          }
        },
        "x-jobcore-scope": "read",
        "description": "Needs an access token with the scope read (or above)."
      }
    }
  },
  "components": {
    "parameters": {
      "JobIDPath": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The job's id: 26 characters of Crockford's base 32 (anything else is a 400).",
        "schema": {
          "$ref": "#/components/schemas/JobID"
        }
      }
    },
    "headers": {
      "ETag": {
        "description": "The job's version, as a strong entity tag (\"3\"): give it in If-Match to change the job.",
        "schema": {
          "type": "string"
        }
      },
      "JobLogSize": {
        "description": "The stored size of the log in bytes.",
        "schema": {
          "type": "integer"
        }
      },
      "JobLogNextOffset": {
        "description": "Where the next read starts.",
        "schema": {
          "type": "integer"
        }
      },
      "JobLogTruncated": {
        "description": "Whether output was dropped at the store's limit.",
        "schema": {
          "type": "boolean"
        }
      }
    },
    "responses": {
      "400": {
        "description": "Invalid input: a malformed id, body, filter or header.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "404": {
        "description": "No such job (or route, or metrics are not enabled).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "409": {
        "description": "Not allowed in the job's current state.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "412": {
        "description": "If-Match does not name the job's current version.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "413": {
        "description": "The request body is too large.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "416": {
        "description": "The Range starts at or past the end of the log.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "428": {
        "description": "If-Match is required.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "500": {
        "description": "The server failed; the message names nothing of the cause.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "503": {
        "description": "The job store is unavailable.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "401": {
        "description": "No valid access token (WWW-Authenticate: Bearer).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "403": {
        "description": "The access token's scope is too small for this operation.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "405": {
        "description": "The path does not serve this method (see Allow).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "429": {
        "description": "Too many requests from this client (its access token, or its address without one) when the server has a rate limit; retry after Retry-After seconds.",
        "headers": {
          "Retry-After": {
            "description": "Whole seconds until the next request is allowed.",
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "additionalProperties": false,
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "additionalProperties": false,
            "properties": {
              "code": {
                "type": "string",
                "description": "Stable and machine-readable: invalidInput, unauthorized, forbidden, notFound, invalidState, staleVersion, preconditionRequired, tooLarge, rangeNotSatisfiable, methodNotAllowed, unavailable, rateLimited, internal, …"
              },
              "message": {
                "type": "string",
                "description": "What went wrong, for a person."
              }
            }
          }
        }
      },
      "JobID": {
        "type": "string",
        "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$",
        "description": "A job id: 26 characters of Crockford's base 32."
      },
      "JobState": {
        "type": "string",
        "enum": [
          "waiting",
          "queued",
          "running",
          "succeeded",
          "failed",
          "cancelled"
        ]
      },
      "Purged": {
        "type": "object",
        "required": [
          "purged"
        ],
        "properties": {
          "purged": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "JobPage": {
        "type": "object",
        "required": [
          "jobs"
        ],
        "properties": {
          "jobs": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Job"
            }
          },
          "nextCursor": {
            "$ref": "#/components/schemas/JobID",
            "description": "The cursor of the next page; absent on the last page."
          }
        }
      },
      "JobChange": {
        "type": "object",
        "required": [
          "runAt"
        ],
        "additionalProperties": false,
        "properties": {
          "runAt": {
            "type": "string",
            "format": "date-time",
            "description": "The earliest time the job may start; a time in the past makes it due now."
          }
        }
      },
      "NewCommandJob": {
        "type": "object",
        "required": [
          "command"
        ],
        "additionalProperties": false,
        "description": "A command job, with the options of jobctl enqueue under the names jobctl show --json uses.",
        "properties": {
          "kind": {
            "type": "string",
            "const": "command",
            "description": "command (the default)."
          },
          "command": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "minItems": 1,
            "description": "The command and its arguments (argv)."
          },
          "repository": {
            "type": "string",
            "description": "An https URL or owner/repo (resolved against the server's base URL); a local path only when the server allows it."
          },
          "ref": {
            "type": "string",
            "description": "Branch, tag or ref to start from (default: the remote's default branch)."
          },
          "depth": {
            "type": "integer",
            "minimum": 0,
            "description": "Commits of history to clone; 0 = full history (default 1)."
          },
          "branch": {
            "type": "string",
            "description": "Feature branch to create and check out (validated as Git does)."
          },
          "environment": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            },
            "description": "Environment variables for the command."
          },
          "push": {
            "type": "boolean",
            "description": "Commit every change and push the branch when the command succeeds (needs a repository)."
          },
          "commitMessage": {
            "type": "string"
          },
          "installationID": {
            "type": "string",
            "description": "GitHub App installation whose token the job uses."
          },
          "tokenEnvironmentVariable": {
            "type": "string",
            "description": "Give the command the access token in this environment variable."
          },
          "correlationID": {
            "type": "string",
            "description": "Id carried to every log line of the job (default: a new one)."
          },
          "checkpoints": {
            "type": "object",
            "required": [
              "intervalSeconds"
            ],
            "additionalProperties": false,
            "properties": {
              "intervalSeconds": {
                "type": "number",
                "exclusiveMinimum": 0
              },
              "branch": {
                "type": "string"
              },
              "keep": {
                "type": "boolean"
              }
            },
            "description": "Save the work in progress this often (needs a repository and a branch)."
          },
          "queue": {
            "type": "string",
            "description": "Queue to put the job in (default: default)."
          },
          "key": {
            "type": "string",
            "minLength": 1,
            "description": "Concurrency key: jobs with one key run one at a time (per the workers' key limit)."
          },
          "priority": {
            "type": "integer",
            "minimum": -1000000,
            "maximum": 1000000,
            "description": "Higher runs first (default 0)."
          },
          "runAt": {
            "type": "string",
            "format": "date-time",
            "description": "Run no earlier than this."
          },
          "maxAttempts": {
            "type": "integer",
            "minimum": 1,
            "description": "Attempts before the job fails (default 3)."
          },
          "timeoutSeconds": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Time limit of one attempt (default 3600)."
          },
          "idempotencyKey": {
            "type": "string",
            "description": "Enqueueing the same key again returns the existing job."
          },
          "dependsOn": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/JobID"
            },
            "description": "Jobs that must end before this one runs."
          },
          "dependencyMode": {
            "type": "string",
            "enum": [
              "succeeded",
              "finished"
            ],
            "description": "succeeded (default): run when every dependency succeeded, else cancel; finished: run when all ended."
          }
        }
      },
      "Job": {
        "type": "object",
        "description": "A job as jobctl --json prints it. Fields without a value are absent.",
        "required": [
          "id",
          "state",
          "kind",
          "queue",
          "priority",
          "attempt",
          "maxAttempts",
          "timeoutSeconds",
          "runAt",
          "createdAt",
          "updatedAt",
          "cancelRequested"
        ],
        "properties": {
          "id": {
            "$ref": "#/components/schemas/JobID"
          },
          "state": {
            "$ref": "#/components/schemas/JobState"
          },
          "kind": {
            "type": "string"
          },
          "queue": {
            "type": "string"
          },
          "key": {
            "type": "string"
          },
          "priority": {
            "type": "integer"
          },
          "attempt": {
            "type": "integer"
          },
          "maxAttempts": {
            "type": "integer"
          },
          "timeoutSeconds": {
            "type": "number"
          },
          "idempotencyKey": {
            "type": "string"
          },
          "runAt": {
            "type": "string",
            "format": "date-time"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          },
          "cancelRequested": {
            "type": "boolean"
          },
          "leaseHolder": {
            "type": "string"
          },
          "leaseExpiresAt": {
            "type": "string",
            "format": "date-time"
          },
          "exitCode": {
            "type": "integer"
          },
          "lastError": {
            "type": "string"
          },
          "lastErrorAttempt": {
            "type": "integer"
          },
          "lastErrorIsEarlier": {
            "type": "boolean"
          },
          "command": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "repository": {
            "type": "string"
          },
          "branch": {
            "type": "string"
          },
          "payload": {
            "description": "The payload, when it is JSON."
          },
          "payloadBase64": {
            "type": "string"
          },
          "result": {
            "description": "The result, when it is JSON."
          },
          "resultBase64": {
            "type": "string"
          },
          "runs": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Run"
            }
          },
          "dependsOn": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/JobID"
            }
          },
          "dependencyMode": {
            "type": "string",
            "enum": [
              "succeeded",
              "finished"
            ]
          },
          "pendingDependencies": {
            "type": "integer"
          },
          "parent": {
            "$ref": "#/components/schemas/JobID"
          },
          "children": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            },
            "description": "How many children the job has in each state."
          },
          "pendingChildren": {
            "type": "integer"
          },
          "checkpoint": {
            "type": "object",
            "required": [
              "wipBranch",
              "wipBase",
              "wipCommit",
              "epoch",
              "savedAt"
            ],
            "properties": {
              "wipBranch": {
                "type": "string"
              },
              "wipBase": {
                "type": "string"
              },
              "wipCommit": {
                "type": "string"
              },
              "note": {
                "type": "string"
              },
              "epoch": {
                "type": "integer"
              },
              "savedAt": {
                "type": "string",
                "format": "date-time"
              }
            }
          }
        }
      },
      "Run": {
        "type": "object",
        "required": [
          "attempt",
          "epoch",
          "workerID",
          "startedAt",
          "insights"
        ],
        "properties": {
          "attempt": {
            "type": "integer"
          },
          "epoch": {
            "type": "integer",
            "format": "int64"
          },
          "workerID": {
            "type": "string"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time"
          },
          "outcome": {
            "type": "string",
            "enum": [
              "succeeded",
              "failed",
              "timedOut",
              "cancelled",
              "leaseExpired",
              "released"
            ]
          },
          "exitCode": {
            "type": "integer"
          },
          "error": {
            "type": "string"
          },
          "insights": {
            "type": "object",
            "additionalProperties": {
              "type": "number"
            }
          }
        }
      },
      "Event": {
        "type": "object",
        "required": [
          "sequence",
          "at",
          "kind",
          "state"
        ],
        "properties": {
          "sequence": {
            "type": "integer",
            "format": "int64"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "kind": {
            "type": "string",
            "enum": [
              "enqueued",
              "claimed",
              "succeeded",
              "failed",
              "retryScheduled",
              "timedOut",
              "cancelRequested",
              "cancelled",
              "leaseExpired",
              "released",
              "retried",
              "unblocked",
              "checkpointed",
              "checkpointFailed",
              "rescheduled"
            ]
          },
          "state": {
            "$ref": "#/components/schemas/JobState"
          },
          "epoch": {
            "type": "integer",
            "format": "int64"
          },
          "message": {
            "type": "string"
          }
        }
      },
      "Health": {
        "type": "object",
        "required": [
          "timestamp",
          "counts",
          "running",
          "due",
          "capacity",
          "workers",
          "queues",
          "alerts",
          "fleet"
        ],
        "properties": {
          "timestamp": {
            "type": "string",
            "format": "date-time"
          },
          "counts": {
            "type": "object",
            "additionalProperties": {
              "type": "integer"
            }
          },
          "running": {
            "type": "integer"
          },
          "due": {
            "type": "integer"
          },
          "capacity": {
            "type": "integer"
          },
          "workers": {
            "type": "integer"
          },
          "oldestRunningAgeSeconds": {
            "type": "number"
          },
          "oldestDueAgeSeconds": {
            "type": "number"
          },
          "queues": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "name",
                "waiting",
                "queued",
                "due",
                "running"
              ],
              "properties": {
                "name": {
                  "type": "string"
                },
                "waiting": {
                  "type": "integer"
                },
                "queued": {
                  "type": "integer"
                },
                "due": {
                  "type": "integer"
                },
                "running": {
                  "type": "integer"
                },
                "oldestDueAgeSeconds": {
                  "type": "number"
                }
              }
            }
          },
          "alerts": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "kind",
                "message"
              ],
              "properties": {
                "kind": {
                  "type": "string",
                  "enum": [
                    "longRunning",
                    "deepQueue",
                    "workerGone"
                  ]
                },
                "jobID": {
                  "$ref": "#/components/schemas/JobID"
                },
                "message": {
                  "type": "string"
                }
              }
            }
          },
          "fleet": {
            "type": "object",
            "description": "The worker registry in figures.",
            "required": [
              "active",
              "draining",
              "gone",
              "seats",
              "load",
              "goneWithJobs"
            ],
            "properties": {
              "active": {
                "type": "integer"
              },
              "draining": {
                "type": "integer"
              },
              "gone": {
                "type": "integer"
              },
              "seats": {
                "type": "integer"
              },
              "load": {
                "type": "integer"
              },
              "goneWithJobs": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "id",
                    "host",
                    "lastSeenAt",
                    "runningJobs"
                  ],
                  "properties": {
                    "id": {
                      "type": "string"
                    },
                    "host": {
                      "type": "string"
                    },
                    "lastSeenAt": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "runningJobs": {
                      "type": "integer"
                    }
                  }
                }
              }
            }
          }
        }
      },
      "Worker": {
        "type": "object",
        "description": "A worker process of the registry (jobctl workers --json).",
        "required": [
          "id",
          "host",
          "pid",
          "version",
          "queue",
          "capabilities",
          "labels",
          "seats",
          "load",
          "state",
          "startedAt",
          "lastSeenAt",
          "heartbeatIntervalSeconds"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "host": {
            "type": "string"
          },
          "pid": {
            "type": "integer"
          },
          "version": {
            "type": "string"
          },
          "queue": {
            "type": "string"
          },
          "capabilities": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "seats": {
            "type": "integer",
            "description": "Jobs it runs at once."
          },
          "load": {
            "type": "integer",
            "description": "Attempts it ran when it last announced itself."
          },
          "state": {
            "type": "string",
            "enum": [
              "active",
              "draining",
              "gone"
            ]
          },
          "startedAt": {
            "type": "string",
            "format": "date-time"
          },
          "lastSeenAt": {
            "type": "string",
            "format": "date-time"
          },
          "heartbeatIntervalSeconds": {
            "type": "number"
          }
        }
      },
      "NewJobOfKind": {
        "type": "object",
        "required": [
          "kind",
          "payload"
        ],
        "additionalProperties": false,
        "description": "A job of another kind than command, for an embedder that allowed the kind; the same options as a command job.",
        "properties": {
          "kind": {
            "type": "string",
            "minLength": 1,
            "not": {
              "const": "command"
            },
            "description": "A kind the server allows (an embedder's JobCoreAPI.Configuration.allow); jobctl serve allows none."
          },
          "payload": {
            "description": "The job's payload: JSON that decodes as the kind's payload type."
          },
          "queue": {
            "type": "string",
            "description": "Queue to put the job in (default: default)."
          },
          "key": {
            "type": "string",
            "minLength": 1,
            "description": "Concurrency key: jobs with one key run one at a time (per the workers' key limit)."
          },
          "priority": {
            "type": "integer",
            "minimum": -1000000,
            "maximum": 1000000,
            "description": "Higher runs first (default 0)."
          },
          "runAt": {
            "type": "string",
            "format": "date-time",
            "description": "Run no earlier than this."
          },
          "maxAttempts": {
            "type": "integer",
            "minimum": 1,
            "description": "Attempts before the job fails (default 3)."
          },
          "timeoutSeconds": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Time limit of one attempt (default 3600)."
          },
          "idempotencyKey": {
            "type": "string",
            "description": "Enqueueing the same key again returns the existing job."
          },
          "dependsOn": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/JobID"
            },
            "description": "Jobs that must end before this one runs."
          },
          "dependencyMode": {
            "type": "string",
            "enum": [
              "succeeded",
              "finished"
            ],
            "description": "succeeded (default): run when every dependency succeeded, else cancel; finished: run when all ended."
          }
        }
      }
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token (jobctl tokens create --scope read|operate|admin): jct_<id>_<secret>. Each operation names the scope it needs in x-jobcore-scope; admin includes operate, operate includes read."
      }
    }
  },
  "security": [
    {
      "bearer": []
    }
  ]
}
"""#
}

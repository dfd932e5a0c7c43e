# syntax=docker/dockerfile:1
# A small static hookdrill image that runs as a non-root user:
#   docker build -t hookdrill .
#   docker run --rm hookdrill conform --demo
# The build stage's commands are checked by internal/repotest (TestDockerfile), which runs the
# same `go build` line and checks that the binary is static.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/hookdrill ./cmd/hookdrill

# distroless/static: CA certificates, /etc/passwd with the nonroot user (65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hookdrill /usr/local/bin/hookdrill
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/hookdrill"]
CMD ["--help"]

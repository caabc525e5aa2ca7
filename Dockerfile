# syntax=docker/dockerfile:1
# Build: a static binary, no cgo (SQLite is pure Go).
FROM golang:1.26.10-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/undersign ./cmd/undersign \
 && mkdir -p /out/data

# Run: distroless, non-root, nothing but the binary and CA certificates.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/undersign /usr/local/bin/undersign
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV UNDERSIGN_ADDR=0.0.0.0:8080 \
    UNDERSIGN_DATABASE_URL=/data/undersign.db
USER nonroot:nonroot
WORKDIR /data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["undersign", "healthcheck"]
ENTRYPOINT ["undersign"]
CMD ["serve"]

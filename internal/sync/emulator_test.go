package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/fsouza/fake-gcs-server/fakestorage"

	"github.com/llmcost/llmcost/internal/azblob"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/gcs"
	"github.com/llmcost/llmcost/internal/s3"
)

// backend is a bucket in a running emulator, and a way to write into it.
type backend struct {
	bucket cost.Bucket
	put    func(t *testing.T, key, data string)
}

// need skips the test when an emulator is missing locally, and fails it in CI.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("%s not available: %v", what, err)
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startProcess runs a server binary until the test ends, and waits for its port.
func startProcess(t *testing.T, port int, name string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for i := 0; i < 300; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not listen on %s:\n%s", name, addr, out.String())
}

// s3Backend starts moto_server and returns a fresh bucket in it.
func s3Backend(t *testing.T) backend {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		need(t, "moto_server", err)
	}
	port := freePort(t)
	startProcess(t, port, bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(endpoint), true
	})
	if _, err := client.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("billing")}); err != nil {
		t.Fatal(err)
	}
	b, err := s3.Open(ctx, s3.Config{Bucket: "billing", Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return backend{bucket: b, put: func(t *testing.T, key, data string) {
		_, err := client.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("billing"), Key: aws.String(key),
			Body: strings.NewReader(data)})
		if err != nil {
			t.Fatal(err)
		}
	}}
}

// gcsBackend starts fake-gcs-server in-process and returns a bucket in it.
func gcsBackend(t *testing.T) backend {
	port := freePort(t)
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{Scheme: "http", Host: "127.0.0.1", Port: uint16(port),
		PublicHost: fmt.Sprintf("127.0.0.1:%d", port)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: "billing"})
	t.Setenv("STORAGE_EMULATOR_HOST", strings.TrimPrefix(srv.URL(), "http://"))
	b, err := gcs.Open(context.Background(), "billing")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return backend{bucket: b, put: func(t *testing.T, key, data string) {
		srv.CreateObject(fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: "billing", Name: key},
			Content: []byte(data)})
	}}
}

// azuriteKey is Azurite's well-known development account key.
const azuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

// azureBackend starts Azurite's blob service (or uses AZURITE_BLOB_HOST, host:port of a
// running one) and returns a fresh container in it.
func azureBackend(t *testing.T) backend {
	host := os.Getenv("AZURITE_BLOB_HOST")
	if host == "" {
		bin, err := exec.LookPath("azurite-blob")
		if err != nil {
			need(t, "azurite-blob", err)
		}
		port := freePort(t)
		startProcess(t, port, bin, "--blobHost", "127.0.0.1", "--blobPort", fmt.Sprint(port),
			"--silent", "--skipApiVersionCheck", "--inMemoryPersistence")
		host = fmt.Sprintf("127.0.0.1:%d", port)
	}
	conn := fmt.Sprintf("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;BlobEndpoint=http://%s/devstoreaccount1;", azuriteKey, host)
	name := fmt.Sprintf("billing-%d", time.Now().UnixNano())
	ctx := context.Background()
	client, err := container.NewClientFromConnectionString(conn, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Create(ctx, nil); err != nil {
		t.Fatal(err)
	}
	b, err := azblob.Open(azblob.Config{Container: name, ConnectionString: conn})
	if err != nil {
		t.Fatal(err)
	}
	return backend{bucket: b, put: func(t *testing.T, key, data string) {
		if _, err := client.NewBlockBlobClient(key).UploadBuffer(ctx, []byte(data), nil); err != nil {
			t.Fatal(err)
		}
	}}
}

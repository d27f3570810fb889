package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"payterm/firmware/order"
)

// faceKeys holds the payment system's face public key that faces are
// sealed to: the configured one, or on a dev terminal the payment host's
// (GET /v1/face-key), fetched when first needed and kept.
type faceKeys struct {
	hc   *http.Client
	host string // payment host base URL; "" with a configured key

	mu  sync.Mutex
	key []byte
}

// get returns the key, asking the host once it is needed and until it
// answered.
func (k *faceKeys) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	if k.host == "" {
		return nil, fmt.Errorf("face key: none configured")
	}
	key, err := fetchFaceKey(ctx, k.hc, strings.TrimSuffix(k.host, "/")+"/v1/face-key")
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

// fetchFaceKey reads {"kem":"X25519","public_key":"<hex>"}.
func fetchFaceKey(ctx context.Context, hc *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("face key: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("face key: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("face key: %s answered %s", url, resp.Status)
	}
	var v struct {
		KEM       string `json:"kem"`
		PublicKey string `json:"public_key"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&v); err != nil {
		return nil, fmt.Errorf("face key: %w", err)
	}
	key, err := hex.DecodeString(v.PublicKey)
	if v.KEM != "X25519" || err != nil || len(key) != faceKeySize {
		return nil, fmt.Errorf("face key: want an X25519 key of %d bytes in hex, got kem %q", faceKeySize, v.KEM)
	}
	return key, nil
}

// sealer is the faceSealer for terminal poiID: the crop sealed to the
// payment system's face key, bound to the terminal and the order.
func (k *faceKeys) sealer(poiID string) faceSealer {
	return func(ctx context.Context, crop []byte, h order.Hash) (string, error) {
		key, err := k.get(ctx)
		if err != nil {
			return "", err
		}
		return sealFace(key, crop, poiID, h)
	}
}

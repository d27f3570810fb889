// Package facerec computes face descriptors with dlib's ResNet
// face-recognition network (the 29-layer "dlib_face_recognition_resnet_model_v1",
// 99.38 % on LFW) in pure Go, from the TensorFlow.js weights that
// @vladmandic/face-api 1.7.15 ships (model/face_recognition_model*).
//
// A descriptor is 128 float32 numbers; two crops of the same person lie
// closer than Threshold in Euclidean distance. The input is a 150×150 RGB
// face chip in dlib's layout (internal/face makes one); the network is the
// one face-api's FaceRecognitionNet runs, layer for layer, so descriptors
// match face-api's (see golden_test.go for the measured tolerance).
package facerec
